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
    private NetworkNamespace? _a;
    private NetworkNamespace? _b;
    private string _ipA = "";
    private string _ipB = "";
    private string _ifA = "";
    private string _ifB = "";

    public async Task InitializeAsync()
    {
        NetworkNamespace.EnsureAvailable(); // fails the test, naming what is missing
        var subnet = NetworkNamespace.RandomSubnet();
        (_ipA, _ipB) = (subnet + ".1", subnet + ".2");
        _a = await NetworkNamespace.CreateAsync("tree");
        _b = await NetworkNamespace.CreateAsync("tree");
        (_ifA, _ifB) = await NetworkNamespace.ConnectAsync(_a, _b, _ipA + "/24", _ipB + "/24");
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        foreach (var ns in new[] { _a, _b })
        {
            if (ns is not null)
            {
                await ns.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_watcher_on_another_namespace_finds_the_broadcast_by_mdns_and_receives_it_through_a_relay()
    {
        var broadcast = Start(_a!, "broadcast", "live", "--listen", $"/ip4/{_ipA}/tcp/0", "--interface", _ifA, "--max-children", "1", "--seconds", "40");
        await broadcast.WaitForLineAsync(l => l.Contains("\"listen\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var relay = Start(_a!, "relay", "--stream", "live", "--listen", $"/ip4/{_ipA}/tcp/0", "--interface", _ifA, "--seconds", "35");
        await relay.WaitForLineAsync(l => l.Contains("\"depth\":1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var watch = Start(_b!, "watch", "live", "--listen", $"/ip4/{_ipB}/tcp/0", "--interface", _ifB, "--seconds", "25");
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
