using System.Diagnostics;
using Casto.Discovery.Kad;
using Casto.Discovery.Tests.Kad;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Identify;

namespace Casto.Benchmarks;

/// <summary>
/// A Kademlia network on TCP loopback of Casto nodes (in this process) and js-libp2p @libp2p/kad-dht peers (one node
/// process each, tests/interop/js/kad.mjs). Members join one by one, alternating implementations while both remain;
/// each bootstraps off the previous member (so, mixed, one of the other implementation) and one random earlier one,
/// then every member looks up its own id once more. Disposing stops every node, even when one fails to stop.
/// </summary>
internal sealed class KadBenchNetwork : IAsyncDisposable
{
    private readonly List<(CastoHost Host, KadDht Dht)> _csharp = [];
    private readonly List<JsKadPeer> _js = [];
    private readonly List<Multiaddr> _joined = [];
    private readonly Random _random;

    private KadBenchNetwork(int seed) => _random = new Random(seed);

    public IReadOnlyList<(CastoHost Host, KadDht Dht)> CSharp => _csharp;

    public IReadOnlyList<JsKadPeer> Js => _js;

    /// <summary>Seconds from the first join to the end of the second round of self-lookups.</summary>
    public double JoinSeconds { get; private set; }

    public static async Task<KadBenchNetwork> StartAsync(int csharp, int js, int seed)
    {
        var network = new KadBenchNetwork(seed);
        try
        {
            await network.JoinAllAsync(csharp, js).ConfigureAwait(false);
            return network;
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Mean routing-table size of the C# nodes and of the js peers (NaN when a side is empty).</summary>
    public async Task<(double CSharp, double Js)> TableSizesAsync()
    {
        var js = new List<int>();
        foreach (var peer in _js)
        {
            js.Add((await peer.RunAsync("table").ConfigureAwait(false)).GetProperty("size").GetInt32());
        }

        return (_csharp.Count > 0 ? _csharp.Average(n => n.Dht.RoutingTableSize) : double.NaN, js.Count > 0 ? js.Average() : double.NaN);
    }

    private async Task JoinAllAsync(int csharp, int js)
    {
        // node's start-up (module loading) is the slow part: start the js peers a few at a time before anyone joins
        var started = new List<JsKadPeer>();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, js), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, _) =>
            {
                var peer = await JsKadPeer.StartAsync().ConfigureAwait(false);
                lock (started)
                {
                    started.Add(peer);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            _js.AddRange(started); // DisposeAsync stops them if another failed to start
        }

        var watch = Stopwatch.StartNew();
        int nextCSharp = 0, nextJs = 0;
        for (var i = 0; i < csharp + js; i++)
        {
            var bootstrap = new List<Multiaddr>();
            if (i > 0)
            {
                bootstrap.Add(_joined[i - 1]);
                var other = _joined[_random.Next(i)];
                if (!bootstrap.Contains(other))
                {
                    bootstrap.Add(other);
                }
            }

            var takeJs = nextJs < js && (nextCSharp >= csharp || i % 2 == 0);
            _joined.Add(takeJs ? await JoinJsAsync(_js[nextJs++], bootstrap).ConfigureAwait(false) : await JoinCSharpAsync(bootstrap).ConfigureAwait(false));
        }

        foreach (var (_, dht) in _csharp)
        {
            await dht.RefreshAsync().ConfigureAwait(false);
        }

        foreach (var peer in _js)
        {
            await SelfLookupAsync(peer).ConfigureAwait(false);
        }

        JoinSeconds = watch.Elapsed.TotalSeconds;
    }

    private async Task<Multiaddr> JoinCSharpAsync(List<Multiaddr> bootstrap)
    {
        var key = PrivateKey.Generate();
        var options = HostDefaults.Create(key);
        options.ListenAddresses.Add(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        options.MaxConnections = 1000;
        options.MaxPeerStoreEntries = 4096;
        var host = await CastoHost.StartAsync(options).ConfigureAwait(false);
        var dhtOptions = new KadDhtOptions();
        bootstrap.ForEach(dhtOptions.BootstrapPeers.Add);
        var dht = KadDht.Create(host, dhtOptions, IdentifyService.Register(host));
        _csharp.Add((host, dht));
        if (bootstrap.Count > 0 && await dht.BootstrapAsync().ConfigureAwait(false) == 0)
        {
            throw new InvalidOperationException($"C# node {host.PeerId} could not bootstrap off {string.Join(", ", bootstrap)}");
        }

        return host.ListenAddresses[0];
    }

    private static async Task<Multiaddr> JoinJsAsync(JsKadPeer peer, List<Multiaddr> bootstrap)
    {
        foreach (var address in bootstrap)
        {
            await peer.RunAsync("dial", new { addr = address.ToString() }).ConfigureAwait(false);
        }

        // identify and ping admit the dialled peers asynchronously; a self-lookup with an empty table finds nothing
        var waited = Stopwatch.StartNew();
        while (bootstrap.Count > 0 && (await peer.RunAsync("table").ConfigureAwait(false)).GetProperty("size").GetInt32() == 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"js peer {peer.PeerId} admitted none of {string.Join(", ", bootstrap)}; stderr: {peer.StdErr}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        if (bootstrap.Count > 0)
        {
            await SelfLookupAsync(peer).ConfigureAwait(false);
        }

        return Multiaddr.Parse(peer.Addresses[0]);
    }

    private static async Task SelfLookupAsync(JsKadPeer peer) =>
        await peer.RunAsync("closestStats", new { key = Convert.ToHexStringLower(PeerId.Parse(peer.PeerId).Bytes) }).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        var all = _csharp.SelectMany(n => new IAsyncDisposable[] { n.Dht, n.Host }).Concat(_js).ToList();
        _csharp.Clear();
        _js.Clear();
        await Disposables.DisposeAllAsync(all, "the Kademlia bench network did not stop cleanly").ConfigureAwait(false);
    }
}
