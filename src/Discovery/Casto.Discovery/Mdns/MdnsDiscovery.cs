// Spec: https://github.com/libp2p/specs/blob/master/discovery/mdns.md (RFC 6762 mDNS, RFC 6763 DNS-SD)
using System.Buffers;
using System.Security.Cryptography;
using Casto.Discovery.Dns;
using Casto.Stack.Multiaddrs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Discovery.Mdns;

/// <summary>
/// libp2p mDNS discovery, wire-compatible with js-libp2p's @libp2p/mdns. At start it announces itself (again after 1 s)
/// (unsolicited response) and asks "who is there" (PTR query for the service), then asks again every
/// <see cref="MdnsOptions.QueryInterval"/>; it answers every such query with a PTR to its random instance name and a TXT
/// of <c>dnsaddr=…/p2p/&lt;id&gt;</c> strings, re-announces on <see cref="UpdateAddresses"/>, and says goodbye (TTL 0)
/// when disposed. Peers are published as <see cref="DiscoveryEventKind.Found"/> with their addresses
/// <b>without</b> the /p2p suffix (as js-libp2p does), and as <see cref="DiscoveryEventKind.Lost"/> on goodbye or
/// when their TTL runs out. Our own packets are recognised by instance name and ignored.
/// </summary>
public sealed partial class MdnsDiscovery : IDiscoverySource
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private readonly MdnsOptions _options;
    private readonly MdnsTransportFactory _transportFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RemoteInstance> _instances = new(StringComparer.OrdinalIgnoreCase);
    private readonly TokenBucket _packets;
    private readonly TokenBucket _responses;
    private List<string> _announced;
    private IDiscoverySink? _sink;
    private IMdnsTransport? _transport;
    private ITimer? _queryTimer;
    private ITimer? _expiryTimer;
    private ITimer? _announceTimer;
    private long _dropped;
    private bool _disposed;

    /// <summary>Creates the source on real UDP sockets.</summary>
    public MdnsDiscovery(MdnsOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(options, (o, handler) => UdpMdnsTransport.Open(o, handler, logger), timeProvider, logger)
    {
    }

    internal MdnsDiscovery(MdnsOptions options, MdnsTransportFactory transportFactory, TimeProvider? timeProvider, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _transportFactory = transportFactory;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _packets = new TokenBucket(_time, options.MaxPacketsPerSecond, options.MaxPacketsPerSecond);
        _responses = new TokenBucket(_time, options.MaxResponsesPerSecond, options.MaxResponsesPerSecond);
        InstanceName = RandomNumberGenerator.GetString(Alphabet, options.PeerNameLength) + "." + options.ServiceName;
        _announced = Announced(options.Addresses);
    }

    /// <inheritdoc />
    public string Name => "mdns";

    /// <summary>Our DNS-SD instance: <c>&lt;random peer name&gt;.&lt;service&gt;</c> (not the peer id, as js-libp2p).</summary>
    public string InstanceName { get; }

    /// <summary>Packets dropped by the rate limit or as malformed, and remote instances ignored over <see cref="MdnsOptions.MaxPeers"/>.</summary>
    public long DroppedPackets => Interlocked.Read(ref _dropped);

    /// <summary>The <c>dnsaddr</c> values we announce now.</summary>
    public IReadOnlyList<string> AnnouncedAddresses
    {
        get
        {
            lock (_lock)
            {
                return [.. _announced];
            }
        }
    }

    /// <inheritdoc />
    public ValueTask StartAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sink is not null)
            {
                throw new InvalidOperationException("mDNS discovery is already started");
            }

            _sink = sink;
        }

        _transport = _transportFactory(_options, OnPacket);
        Log.Started(_logger, InstanceName);
        Announce(_options.Ttl);
        SendQuery();
        // RFC 6762 §8.3: announce at least twice, one second apart, in case the first is lost.
        _announceTimer = _time.CreateTimer(_ => AnnounceIfRunning(), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        _queryTimer = _time.CreateTimer(_ => SendQuery(), null, _options.QueryInterval, _options.QueryInterval);
        _expiryTimer = _time.CreateTimer(_ => Expire(), null, _options.ExpiryCheckInterval, _options.ExpiryCheckInterval);
        return ValueTask.CompletedTask;
    }

    /// <summary>Replaces the announced addresses; when they change (and we are running) the new set is announced at once.</summary>
    public void UpdateAddresses(IEnumerable<Multiaddr> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var next = Announced(addresses);
        bool running;
        lock (_lock)
        {
            if (next.SequenceEqual(_announced))
            {
                return;
            }

            _announced = next;
            running = _transport is not null && !_disposed;
        }

        if (running)
        {
            Announce(_options.Ttl);
        }
    }

    /// <summary>Stops querying and answering, and says goodbye (our records with TTL 0).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        foreach (var timer in new[] { _announceTimer, _queryTimer, _expiryTimer })
        {
            if (timer is not null)
            {
                await timer.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_transport is not null)
        {
            Send(MdnsRecords.Goodbye(_options.ServiceName, InstanceName));
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void AnnounceIfRunning()
    {
        if (!Volatile.Read(ref _disposed))
        {
            Announce(_options.Ttl);
        }
    }

    private List<string> Announced(IEnumerable<Multiaddr> addresses) =>
        MdnsRecords.Announced(_options.PeerId!, WildcardAddresses.Expand(addresses), _options.AnnounceOnlyPrivateAddresses, _options.Dns.MaxTxtStrings);

    private void Announce(TimeSpan ttl)
    {
        List<string> announced;
        lock (_lock)
        {
            announced = _announced;
        }

        // An empty TXT would announce a peer without addresses; js-libp2p stays silent then too.
        if (announced.Count > 0)
        {
            Send(MdnsRecords.Response(_options.ServiceName, InstanceName, announced, (uint)ttl.TotalSeconds));
        }
    }

    private void SendQuery()
    {
        if (!Volatile.Read(ref _disposed))
        {
            Send(MdnsRecords.Query(_options.ServiceName));
        }
    }

    private void Send(DnsMessage message)
    {
        var transport = _transport;
        if (transport is null)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        DnsMessage.Write(message, buffer, _options.Dns);
        transport.Send(buffer.WrittenSpan);
    }
}
