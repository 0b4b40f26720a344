// Spec: https://github.com/libp2p/specs/blob/master/kad-dht/README.md
// Kademlia DHT (/ipfs/kad/1.0.0): peer routing, provider records and values over a CastoHost.
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Identify;
using Casto.Stack.Protocols.Ping;
using Microsoft.Extensions.Logging;

namespace Casto.Discovery.Kad;

/// <summary>
/// A Kademlia DHT node on a <see cref="CastoHost"/>. In server mode it answers FIND_NODE, GET_VALUE, PUT_VALUE,
/// ADD_PROVIDER, GET_PROVIDERS and PING; in both modes it runs iterative lookups. Peers enter the routing table when
/// identify says they serve the protocol or when they answer a query. Create with <see cref="Create"/>.
/// </summary>
public sealed partial class KadDht : IAsyncDisposable
{
    /// <summary>The protocol id of the IPFS (Amino) DHT, used by js-libp2p, go-libp2p and rust-libp2p.</summary>
    public const string DefaultProtocolId = "/ipfs/kad/1.0.0";

    private readonly CastoHost _host;
    private readonly KadDhtOptions _options;
    private readonly RoutingTable _table;
    private readonly ProviderStore _providers;
    private readonly RecordStore _records;
    private readonly KadLog _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, (Stack.Multiformats.Cid Cid, DateTimeOffset Provided)> _provided = new(StringComparer.Ordinal);
    private readonly Lock _providedLock = new();
    private readonly IdentifyService? _identify;
    private Task _maintenance = Task.CompletedTask;
    private long _malformed;
    private long _unrepublished;

    private KadDht(CastoHost host, KadDhtOptions options, IdentifyService? identify)
    {
        _host = host;
        _options = options;
        _identify = identify;
        _table = new RoutingTable(host.PeerId, options);
        _providers = new ProviderStore(options);
        _records = new RecordStore(options);
        _log = new KadLog(options.LoggerFactory.CreateLogger("Casto.Discovery.Kad"));
        _table.PeerAdded += e => PeerDiscovered?.Invoke(this, new KadPeer(e.Peer, e.Addresses));
        _table.PeerRemoved += p => PeerRemoved?.Invoke(this, p);
    }

    /// <summary>Raised when a peer enters the routing table or is found as a provider. Handlers must not block.</summary>
    public event EventHandler<KadPeer>? PeerDiscovered;

    /// <summary>Raised when a peer leaves the routing table.</summary>
    public event EventHandler<PeerId>? PeerRemoved;

    /// <summary>Our peer id.</summary>
    public PeerId PeerId => _host.PeerId;

    /// <summary>The options in use.</summary>
    internal KadDhtOptions Options => _options;

    /// <summary>Peers in the routing table.</summary>
    public int RoutingTableSize => _table.Count;

    /// <summary>The routing table's peers (a snapshot).</summary>
    public IReadOnlyList<KadPeer> RoutingTablePeers => [.. _table.All().Select(e => new KadPeer(e.Peer, e.Addresses))];

    /// <summary>Inbound messages that were oversized or malformed (their streams were reset).</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <summary>Peers, provider records, records and republish entries dropped because a limit was reached.</summary>
    public long Dropped => _table.Dropped + _providers.Dropped + _records.Dropped + Interlocked.Read(ref _unrepublished);

    internal RoutingTable Table => _table;

    /// <summary>
    /// Attaches a DHT to <paramref name="host"/>. Pass the host's <paramref name="identify"/> service so peers that
    /// advertise the protocol enter the routing table. In server mode the protocol is registered, and so is
    /// <c>/ipfs/ping/1.0.0</c> if the host lacks it (js-libp2p only adds peers that answer a ping to its table).
    /// Starts periodic maintenance (bucket refresh, expiry, republish).
    /// </summary>
    public static KadDht Create(CastoHost host, KadDhtOptions? options = null, IdentifyService? identify = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        options ??= new KadDhtOptions();
        options.Validate();
        var dht = new KadDht(host, options, identify);
        if (options.ServerMode)
        {
            host.SetStreamHandler(options.ProtocolId, dht.HandleStreamAsync);
            if (!host.Protocols.Contains(PingProtocol.Id, StringComparer.Ordinal))
            {
                PingProtocol.Register(host); // js-libp2p pings a new contact before it enters its routing table
            }
        }

        if (identify is not null)
        {
            identify.Identified += dht.OnIdentified;
        }

        dht._maintenance = dht.MaintainLoopAsync(dht._stopping.Token);
        return dht;
    }

    /// <summary>Saves the routing table to a JSON file.</summary>
    public ValueTask SaveRoutingTableAsync(string path, CancellationToken cancellationToken = default) =>
        _table.SaveAsync(path, cancellationToken);

    /// <summary>Adds the peers of a file written by <see cref="SaveRoutingTableAsync"/>; returns how many were added.</summary>
    public ValueTask<int> LoadRoutingTableAsync(string path, CancellationToken cancellationToken = default) =>
        _table.LoadAsync(path, cancellationToken);

    /// <summary>Adds a peer known to be a DHT server (e.g. from configuration) to the routing table.</summary>
    public bool AddPeer(PeerId peer, IReadOnlyList<Multiaddr> addresses)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(addresses);
        return Consider(peer, addresses) is AddResult.Added or AddResult.Updated;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_identify is not null)
        {
            _identify.Identified -= OnIdentified;
        }

        if (_options.ServerMode)
        {
            _host.RemoveStreamHandler(_options.ProtocolId);
        }

        await _maintenance.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private void OnIdentified(object? sender, PeerInfo info)
    {
        if (info.Protocols.Contains(_options.ProtocolId, StringComparer.Ordinal))
        {
            Consider(info.Peer, info.Addresses);
        }
        else
        {
            _table.Remove(info.Peer); // a client, or it stopped serving the DHT
        }
    }
}
