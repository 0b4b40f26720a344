using Casto.Discovery;
using Casto.Discovery.Kad;
using Casto.Discovery.Mdns;
using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Relay.Tree;

/// <summary>Where a tree peer finds parents and announces itself (see <see cref="TreeDiscovery"/>).</summary>
public sealed class TreeDiscoveryOptions
{
    /// <summary>
    /// Star signalling servers whose room named after each stream lists the nodes carrying it. Default: none. The
    /// connections are the peer's <see cref="TreePeer.SignalTransport"/>'s (options there).
    /// </summary>
    public IList<Multiaddr> SignalServers { get; } = [];

    /// <summary>Find and announce on the LAN with mDNS. Default <see langword="true"/>.</summary>
    public bool Mdns { get; set; } = true;

    /// <summary>The network interface (name or address) mDNS uses; <see langword="null"/> (the default): all.</summary>
    public string? MdnsInterface { get; set; }

    /// <summary>
    /// The Kademlia DHT (started from its <see cref="KadDhtOptions.BootstrapPeers"/>): every announced stream's key
    /// (<see cref="KadKeys.ForStream"/>) is provided and its providers become candidate parents, so no signal server is
    /// needed. <see langword="null"/> (the default): no DHT.
    /// </summary>
    public KadDhtOptions? Dht { get; set; }

    /// <summary>
    /// Time between provider lookups of a stream once some were found. Until then a lookup is retried after 1 s,
    /// doubling up to this. Default 30 s.
    /// </summary>
    public TimeSpan DhtLookupInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Providers taken per lookup. Default 20 (a DHT node keeps at most that many per key).</summary>
    public int DhtMaxProviders { get; set; } = 20;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        Dht?.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(DhtLookupInterval, TimeSpan.FromSeconds(1), nameof(DhtLookupInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(DhtMaxProviders, 1, nameof(DhtMaxProviders));
        foreach (var server in SignalServers)
        {
            ArgumentNullException.ThrowIfNull(server, nameof(SignalServers));
        }
    }
}

/// <summary>
/// Every discovery source a tree peer has, feeding its streams' memberships with candidate parents: the stream's
/// room on each signal server (members there when we join, and those who join later), mDNS on the LAN (every
/// casto peer found is a candidate; one that does not carry the stream refuses the join) and, when configured, the
/// stream's provider records in the Kademlia DHT. Announcing a stream makes this peer findable the same ways.
/// </summary>
public sealed partial class TreeDiscovery : IAsyncDisposable
{
    private readonly TreePeer _peer;
    private readonly PrivateKey _key;
    private readonly TreeDiscoveryOptions _options;
    private readonly List<SignalClient> _signals = [];
    private readonly List<(string Stream, Action<IEnumerable<TreeCandidate>> Found)> _subscribers = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _watchers = [];
    private readonly Dictionary<PeerId, TreeCandidate> _lan = [];
    private readonly HashSet<string> _announced = [];
    private MdnsDiscovery? _mdns;
    private Action<string>? _opened;

    private const int MaxLanPeers = 256; // what mDNS itself keeps (MdnsOptions.MaxPeers)

    private TreeDiscovery(TreePeer peer, PrivateKey key, TreeDiscoveryOptions options) => (_peer, _key, _options) = (peer, key, options);

    /// <summary>The connected signal servers.</summary>
    public IReadOnlyList<SignalClient> SignalClients => _signals;

    /// <summary>
    /// Connects to every signal server and starts mDNS (announcing <paramref name="peer"/>'s listen addresses).
    /// <paramref name="key"/> is the peer's identity, which signs in to the signal servers.
    /// </summary>
    /// <exception cref="SignalException">A signal server cannot be reached or refuses us.</exception>
    public static async Task<TreeDiscovery> StartAsync(TreePeer peer, PrivateKey key, TreeDiscoveryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(key);
        options ??= new TreeDiscoveryOptions();
        options.Validate();
        var discovery = new TreeDiscovery(peer, key, options);
        try
        {
            foreach (var server in options.SignalServers)
            {
                // The peer's signal transport holds the one connection per server (a second would replace the first).
                discovery._signals.Add(await peer.SignalTransport.GetClientAsync(server, cancellationToken).ConfigureAwait(false));
            }

            if (options.Mdns)
            {
                discovery._mdns = new MdnsDiscovery(new MdnsOptions { PeerId = peer.PeerId, Addresses = peer.Host.ListenAddresses, Interface = options.MdnsInterface });
                await discovery._mdns.StartAsync(new Sink(discovery.OnMdns), cancellationToken).ConfigureAwait(false);
            }

            if (options.Dht is { } dht)
            {
                await discovery.StartDhtAsync(dht, cancellationToken).ConfigureAwait(false);
            }

            return discovery;
        }
        catch
        {
            await discovery.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Makes this peer findable as a carrier of <paramref name="stream"/> (it joins the stream's room on every signal
    /// server and provides the stream's key in the DHT) and, with <paramref name="found"/>, reports candidate parents
    /// for it: the room's members now and later, every peer mDNS finds and the stream's providers in the DHT.
    /// </summary>
    public async Task AnnounceAsync(string stream, Action<IEnumerable<TreeCandidate>>? found, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        if (found is not null)
        {
            lock (_lock)
            {
                _subscribers.Add((stream, found));
            }

            TreeCandidate[] lan;
            lock (_lock)
            {
                lan = [.. _lan.Values];
            }

            if (lan.Length > 0)
            {
                found(lan);
            }
        }

        lock (_lock)
        {
            _announced.Add(stream);
        }

        StartDhtStream(stream, find: found is not null);
        foreach (var client in _signals)
        {
            var members = await client.JoinAsync(stream, [.. _peer.Host.ListenAddresses], cancellationToken).ConfigureAwait(false);
            found?.Invoke(members.Select(m => new TreeCandidate(m.PeerId, m.Addrs)));
        }

        EnsureWatching();
    }

    /// <summary>
    /// Reports every stream announced on the signal servers (their rooms with members, now and as they open) to
    /// <paramref name="opened"/>, possibly more than once per name (once per server). Without signal servers, none.
    /// </summary>
    public async Task WatchStreamsAsync(Action<string> opened, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opened);
        lock (_lock)
        {
            _opened += opened;
        }

        EnsureWatching();
        foreach (var client in _signals)
        {
            foreach (string room in await client.WatchRoomsAsync(cancellationToken).ConfigureAwait(false))
            {
                opened(room);
            }
        }
    }

    private string[] AnnouncedStreams()
    {
        lock (_lock)
        {
            return [.. _announced];
        }
    }

    private void EnsureWatching()
    {
        lock (_lock)
        {
            if (_watchers.Count == 0 && _signals.Count > 0)
            {
                _watchers.AddRange(_signals.Select(c => Task.Run(() => WatchAsync(c, _stop.Token), CancellationToken.None)));
            }
        }
    }

    private void OnMdns(DiscoveryEvent e)
    {
        var candidate = new TreeCandidate(e.PeerId, e.Addrs);
        lock (_lock)
        {
            if (e.Kind != DiscoveryEventKind.Found)
            {
                _lan.Remove(e.PeerId);
                return;
            }

            if (_lan.Count < MaxLanPeers || _lan.ContainsKey(e.PeerId))
            {
                _lan[e.PeerId] = candidate;
            }
        }

        Publish(null, [candidate]);
    }

    private void Publish(string? stream, IReadOnlyList<TreeCandidate> candidates)
    {
        (string Stream, Action<IEnumerable<TreeCandidate>> Found)[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var (s, found) in subscribers)
        {
            if (stream is null || s == stream)
            {
                found(candidates);
            }
        }
    }

    private sealed class Sink(Action<DiscoveryEvent> publish) : IDiscoverySink
    {
        public void Publish(DiscoveryEvent discoveryEvent) => publish(discoveryEvent);
    }
}
