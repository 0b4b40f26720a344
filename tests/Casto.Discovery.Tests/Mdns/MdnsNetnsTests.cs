using System.Text.Json;
using Casto.Stack.Identity;

namespace Casto.Discovery.Tests.Mdns;

/// <summary>
/// mDNS on real sockets: two network namespaces joined by a veth pair (created and deleted here), with
/// <c>casto discover</c> and the js-libp2p @libp2p/mdns reference node (tests/interop/js/mdns.mjs) on either side.
/// </summary>
public sealed class MdnsNetnsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("casto-mdns-").FullName;
    private readonly List<LineProcess> _processes = [];
    private VethPair? _net;

    public async Task InitializeAsync() => _net = await VethPair.CreateAsync("mdns"); // fails every test here where namespaces are missing

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

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Casto_nodes_in_two_namespaces_discover_each_other()
    {
        var (a, idA) = StartCasto(_net!.A, _net!.IpA, _net!.InterfaceA, "a");
        var (b, idB) = StartCasto(_net!.B, _net!.IpB, _net!.InterfaceB, "b");
        await ExpectFoundAsync(a, idB, _net!.IpB);
        await ExpectFoundAsync(b, idA, _net!.IpA);
        Assert.Equal(0, await a.StopAsync());
        Assert.Equal(0, await b.StopAsync());
    }

    [Fact]
    public async Task Casto_nodes_on_the_loopback_of_one_namespace_discover_each_other()
    {
        // A namespace of its own with only lo: the default interface choice falls back to loopback.
        await using var alone = await NetworkNamespace.CreateAsync("mdns");
        var (a, idA) = StartCasto(alone, "127.0.0.1", null, "la");
        var (b, idB) = StartCasto(alone, "127.0.0.1", null, "lb");
        await ExpectFoundAsync(a, idB, "127.0.0.1");
        await ExpectFoundAsync(b, idA, "127.0.0.1");
        Assert.Equal(0, await a.StopAsync());
        Assert.Equal(0, await b.StopAsync());
    }

    [Fact]
    public async Task Casto_and_js_libp2p_discover_each_other()
    {
        JsPeers.EnsureInstalled();
        var info = _net!.A.StartInfo("node", "--import", "./polyfill.mjs", "mdns.mjs", $"/ip4/{_net!.IpA}/tcp/0", "1000");
        info.WorkingDirectory = RepoPaths.JsPeers;
        var js = Track(LineProcess.Start(info));
        using var self = JsonDocument.Parse(await js.WaitForLineAsync(l => l.Contains("\"self\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30)));
        var jsId = self.RootElement.GetProperty("peerId").GetString()!;

        var (casto, castoId) = StartCasto(_net!.B, _net!.IpB, _net!.InterfaceB, "b");
        await ExpectFoundAsync(casto, jsId, _net!.IpA);
        await ExpectFoundAsync(js, castoId, _net!.IpB);

        // Our goodbye (PTR, TTL 0, no TXT) must not look like a sighting to js; nothing answers its queries after that.
        Assert.Equal(0, await casto.StopAsync());
        js.TakeLines();
        await Task.Delay(2500);
        Assert.DoesNotContain(js.TakeLines(), l => l.Contains(castoId, StringComparison.Ordinal));
    }

    private (LineProcess Process, string PeerId) StartCasto(NetworkNamespace ns, string ip, string? networkInterface, string name)
    {
        var keyPath = Path.Combine(_dir, name + ".key");
        using var key = KeyFile.LoadOrCreate(keyPath, out _);
        string[] choice = networkInterface is null ? [] : ["--interface", networkInterface];
        var info = ns.StartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "casto.dll"), "discover", "--mdns",
            "--listen", $"/ip4/{ip}/tcp/0", .. choice, "--key", keyPath]);
        return (Track(LineProcess.Start(info)), key.PeerId.ToString());
    }

    private LineProcess Track(LineProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static async Task ExpectFoundAsync(LineProcess process, string peerId, string ip)
    {
        var line = await process.WaitForLineAsync(l => l.Contains(peerId, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("mdns", json.RootElement.GetProperty("source").GetString());
        var addrs = json.RootElement.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.Contains(addrs, a => a.StartsWith($"/ip4/{ip}/tcp/", StringComparison.Ordinal) && !a.Contains("/p2p/", StringComparison.Ordinal));
    }
}
