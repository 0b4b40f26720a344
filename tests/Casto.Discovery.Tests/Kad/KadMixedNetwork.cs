using System.Diagnostics;
using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Kad;

/// <summary>
/// Three js-libp2p @libp2p/kad-dht peers and three Casto nodes on TCP loopback, bootstrapped in a ring that alternates
/// implementations: C0 off js0, js1 off C0, C1 off js1, js2 off C1, C2 off js2, js0 off C2. Every node's first contact is
/// of the other implementation, so all it learns beyond that came through a foreign DHT server's answers.
/// Fails (never skips) when node or @libp2p/kad-dht is missing (<see cref="JsKadPeer.StartAsync"/>).
/// </summary>
public sealed class KadMixedNetwork : IAsyncLifetime
{
    /// <summary>Nodes of each implementation.</summary>
    public const int PerSide = 3;

    private readonly KadTestNetwork _csharp = new(tcp: true);
    private readonly List<JsKadPeer> _js = [];

    public IReadOnlyList<JsKadPeer> Js => _js;

    public IReadOnlyList<(CastoHost Host, KadDht Dht)> CSharp => _csharp.Nodes;

    /// <summary>All six peers: the js ones first, then the C# ones.</summary>
    public IReadOnlyList<PeerId> AllPeers => [.. _js.Select(IdOf), .. CSharp.Select(c => c.Host.PeerId)];

    public static PeerId IdOf(JsKadPeer js) => PeerId.Parse(js.PeerId);

    /// <summary>The TCP port <paramref name="peer"/> listens on (each node has one loopback address).</summary>
    public string PortOf(PeerId peer)
    {
        var js = _js.Find(j => IdOf(j) == peer);
        var address = js is not null ? Multiaddr.Parse(js.Addresses[0]) : CSharp.First(c => c.Host.PeerId == peer).Host.ListenAddresses[0];
        return address.ValueOf(MultiaddrProtocol.Tcp)!;
    }

    public async Task InitializeAsync()
    {
        var starting = Enumerable.Range(0, PerSide).Select(_ => JsKadPeer.StartAsync()).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            _js.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result)); // DisposeAsync stops them
        }

        for (var i = 0; i < PerSide; i++)
        {
            var js = _js[i];
            var (host, dht) = await _csharp.AddAsync(o => o.BootstrapPeers.Add(Multiaddr.Parse(js.Addresses[0])));
            Assert.True(await dht.BootstrapAsync() >= 1, $"C{i} could not bootstrap off js{i}");
            await JsBootstrapAsync(_js[(i + 1) % PerSide], host); // js(i+1) off C(i); js0 off C2 closes the ring
        }

        // a second round, now that everybody is in, as a node's periodic refresh would do
        foreach (var (_, dht) in CSharp)
        {
            await dht.RefreshAsync();
        }

        foreach (var js in _js)
        {
            await SelfLookupAsync(js);
        }

        // identify (and, on the js side, a ping) admits peers asynchronously; the tests assert the tables
        await EventuallyAsync(TablesAreFullAsync, TimeSpan.FromSeconds(60));
    }

    /// <summary>True when every node's routing table holds the five others.</summary>
    public async Task<bool> TablesAreFullAsync() => (await MissingFromTablesAsync()).Count == 0;

    /// <summary>"node lacks peer" for every peer missing from another node's routing table.</summary>
    public async Task<List<string>> MissingFromTablesAsync()
    {
        var missing = new List<string>();
        foreach (var (host, dht) in CSharp)
        {
            var table = dht.RoutingTablePeers.Select(p => p.PeerId).ToHashSet();
            missing.AddRange(AllPeers.Where(p => p != host.PeerId && !table.Contains(p)).Select(p => $"C# {host.PeerId} lacks {p}"));
        }

        foreach (var js in _js)
        {
            foreach (var peer in AllPeers.Where(p => p != IdOf(js)))
            {
                if (!(await js.RunAsync("inTable", new { peer = peer.ToString() })).GetProperty("present").GetBoolean())
                {
                    missing.Add($"js {js.PeerId} lacks {peer}");
                }
            }
        }

        return missing;
    }

    public async Task DisposeAsync()
    {
        var all = _js.Cast<IAsyncDisposable>().Append(_csharp).ToList();
        _js.Clear();
        await Disposables.DisposeAllAsync(all, "the mixed Kademlia network did not stop cleanly");
    }

    /// <summary>Dials <paramref name="via"/>, waits until it is in the js table, then looks up the js peer's own id.</summary>
    private static async Task JsBootstrapAsync(JsKadPeer js, CastoHost via)
    {
        await js.RunAsync("dial", new { addr = via.ListenAddresses[0].ToString() });
        var admitted = await EventuallyAsync(
            async () => (await js.RunAsync("inTable", new { peer = via.PeerId.ToString() })).GetProperty("present").GetBoolean(),
            TimeSpan.FromSeconds(30));
        Assert.True(admitted, $"js {js.PeerId} did not add {via.PeerId} to its table; stderr: {js.StdErr}");
        await SelfLookupAsync(js);
    }

    private static async Task SelfLookupAsync(JsKadPeer js) =>
        await js.RunAsync("closestStats", new { key = Convert.ToHexStringLower(IdOf(js).Bytes) });

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds or <paramref name="within"/> passed.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > within)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
