using System.Text.Json;
using Casto.Testing;

namespace Casto.Cli.Tests.Relay;

/// <summary>
/// A LAN tree with no signalling server: <c>casto broadcast</c>, <c>casto relay</c> and <c>casto watch</c> in two
/// network namespaces joined by a veth pair (created and deleted here) find each other with mDNS only.
/// </summary>
public sealed class TreeMdnsNetnsTests : IAsyncLifetime
{
    private readonly List<LineProcess> _processes = [];
    private VethPair? _net;

    public async Task InitializeAsync() => _net = await VethPair.CreateAsync("tree"); // fails every test here where namespaces are missing

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        if (_net is not null)
        {
            await _net.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_watcher_on_another_namespace_finds_the_broadcast_by_mdns_and_receives_it_through_a_relay()
    {
        var broadcast = Start(_net!.A, "broadcast", "live", "--listen", $"/ip4/{_net!.IpA}/tcp/0", "--interface", _net!.InterfaceA, "--max-children", "1", "--seconds", "40");
        await broadcast.WaitForLineAsync(l => l.Contains("\"listen\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var relay = Start(_net!.A, "relay", "--stream", "live", "--listen", $"/ip4/{_net!.IpA}/tcp/0", "--interface", _net!.InterfaceA, "--seconds", "35");
        await relay.WaitForLineAsync(l => l.Contains("\"depth\":1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var watch = Start(_net!.B, "watch", "live", "--listen", $"/ip4/{_net!.IpB}/tcp/0", "--interface", _net!.InterfaceB, "--seconds", "25");
        string line = await watch.WaitForLineAsync(l => l.Contains("\"frames\"", StringComparison.Ordinal) && Frames(l) >= 60, TimeSpan.FromSeconds(30));
        using var json = JsonDocument.Parse(line);
        Assert.Equal(2, json.RootElement.GetProperty("depth").GetInt32()); // the broadcaster's one place is the relay's
        Assert.Equal(0, json.RootElement.GetProperty("framesLost").GetInt64());
    }

    private static long Frames(string line)
    {
        using var json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("frames").GetInt64();
    }

    private LineProcess Start(NetworkNamespace ns, params string[] args)
    {
        var process = LineProcess.Start(ns.StartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "casto.dll"), .. args]));
        _processes.Add(process);
        return process;
    }
}
