using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Muxers.Yamux;
using Casto.Stack.Protocols.Identify;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Memory;

namespace Casto.Discovery.Tests.Kad;

/// <summary>A set of C# DHT nodes on one in-memory network or on TCP loopback; disposing stops them all.</summary>
public sealed class KadTestNetwork : IAsyncDisposable
{
    private readonly MemoryNetwork? _memory;

    private readonly Action<HostOptions>? _configureHost;

    public KadTestNetwork(bool tcp = false, Action<HostOptions>? configureHost = null) =>
        (_memory, _configureHost) = (tcp ? null : new MemoryNetwork(), configureHost);

    public List<(CastoHost Host, KadDht Dht)> Nodes { get; } = [];

    public async Task<(CastoHost Host, KadDht Dht)> AddAsync(Action<KadDhtOptions>? configure = null)
    {
        var host = await StartHostAsync();
        var options = new KadDhtOptions();
        configure?.Invoke(options);
        var identify = IdentifyService.Register(host);
        var node = (host, KadDht.Create(host, options, identify));
        Nodes.Add(node);
        return node;
    }

    public async Task<CastoHost> StartHostAsync()
    {
        var key = PrivateKey.Generate();
        HostOptions options;
        if (_memory is null)
        {
            options = HostDefaults.Create(key);
            options.ListenAddresses.Add(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        }
        else
        {
            options = new HostOptions { Identity = key };
            options.Transports.Add(new MemoryTransport(_memory));
            options.SecureChannels.Add(new NoiseSecureChannel(key));
            options.Muxers.Add(new YamuxMuxer(new YamuxOptions()));
            options.ListenAddresses.Add(Multiaddr.Parse("/memory/0"));
        }

        options.MaxConnections = 1000;
        options.MaxPeerStoreEntries = 4096;
        _configureHost?.Invoke(options);
        return await CastoHost.StartAsync(options);
    }

    /// <summary>Starts <paramref name="count"/> nodes; each bootstraps from node 0 and one random earlier node.</summary>
    public async Task StartAsync(int count, Action<KadDhtOptions>? configure = null)
    {
        var random = new Random(42);
        for (var i = 0; i < count; i++)
        {
            var earlier = Nodes.Count;
            await AddAsync(o =>
            {
                configure?.Invoke(o);
                if (earlier > 0)
                {
                    o.BootstrapPeers.Add(Nodes[0].Host.ListenAddresses[0]);
                    o.BootstrapPeers.Add(Nodes[random.Next(earlier)].Host.ListenAddresses[0]);
                }
            });
        }

        foreach (var (_, dht) in Nodes.Skip(1))
        {
            await dht.BootstrapAsync();
        }

        // a second round of self-lookups, now that everybody is in, fills the buckets near each node
        await Parallel.ForEachAsync(Nodes, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (n, ct) => await n.Dht.RefreshAsync(ct));
    }

    /// <summary>Stops every node, even when one of them fails to stop; then throws what failed.</summary>
    public async ValueTask DisposeAsync()
    {
        var all = Nodes.SelectMany(n => new IAsyncDisposable[] { n.Dht, n.Host }).ToList();
        Nodes.Clear();
        await Disposables.DisposeAllAsync(all, "some DHT nodes failed to stop");
    }
}
