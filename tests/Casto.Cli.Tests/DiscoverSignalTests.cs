using System.Diagnostics;
using System.Text.Json;
using Casto.Testing;

namespace Casto.Cli.Tests;

/// <summary>casto discover --signal: two nodes in one room of a casto signal server find each other.</summary>
public sealed class DiscoverSignalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static LineProcess Casto(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "casto.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return LineProcess.Start(info);
    }

    [Fact]
    public async Task Two_nodes_in_one_room_print_each_other()
    {
        await using var server = Casto("signal", "--listen", "/ip4/127.0.0.1/tcp/0/ws");
        var address = JsonDocument.Parse(await server.WaitForLineAsync(l => l.Contains("addrs", StringComparison.Ordinal), Timeout))
            .RootElement.GetProperty("addrs")[0].GetString()!;

        await using var a = Casto("discover", "--signal", address, "--room", "stream-1");
        await using var b = Casto("discover", "--signal", address, "--room", "stream-1");
        await using var other = Casto("discover", "--signal", address, "--room", "stream-2");
        var seenByA = JsonDocument.Parse(await a.WaitForLineAsync(l => l.Contains("\"signal\"", StringComparison.Ordinal), Timeout)).RootElement;
        var seenByB = JsonDocument.Parse(await b.WaitForLineAsync(l => l.Contains("\"signal\"", StringComparison.Ordinal), Timeout)).RootElement;

        Assert.Equal("signal", seenByA.GetProperty("source").GetString());
        Assert.NotEqual(seenByA.GetProperty("peerId").GetString(), seenByB.GetProperty("peerId").GetString());
        Assert.Matches(@"^/ip4/127\.0\.0\.1/tcp/\d+$", seenByA.GetProperty("addrs")[0].GetString()!);
        await Task.Delay(1000); // the node in stream-2 is never reported to stream-1
        Assert.DoesNotContain(a.TakeLines(), l => l.Contains("\"signal\"", StringComparison.Ordinal));
        Assert.Equal(0, await a.StopAsync());
    }
}
