using Casto.Stack.Multiaddrs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Discovery.Kad;

/// <summary>Settings and limits of a <see cref="KadDht"/>. Every limit has a documented default.</summary>
public sealed class KadDhtOptions
{
    /// <summary>The protocol id (default <c>/ipfs/kad/1.0.0</c>, the IPFS Amino DHT; use your own to run a private DHT).</summary>
    public string ProtocolId { get; set; } = KadDht.DefaultProtocolId;

    /// <summary>
    /// Server mode (default true): registers the protocol, so identify advertises it and other nodes add us to their
    /// routing tables. In client mode the node queries the DHT but serves nothing (kad-dht §Client and server mode).
    /// </summary>
    public bool ServerMode { get; set; } = true;

    /// <summary>Bucket size and replication factor <c>k</c> (default 20, the spec's value).</summary>
    public int K { get; set; } = 20;

    /// <summary>Concurrent requests per lookup path, <c>α</c> (default 3, the Kademlia paper's value; the spec and js use 10).</summary>
    public int Alpha { get; set; } = 3;

    /// <summary>Disjoint lookup paths (S/Kademlia; default 1). Each path has <see cref="Alpha"/> requests in flight; no peer is queried by two paths.</summary>
    public int DisjointPaths { get; set; } = 1;

    /// <summary>Time for one request (dial, stream, response) before the peer counts as failed (default 10 s, js READ_MESSAGE_TIMEOUT).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for a whole lookup (default 60 s).</summary>
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most peers one lookup queries before it stops (default 100).</summary>
    public int MaxQueriedPeers { get; set; } = 100;

    /// <summary>Largest RPC message read or written (default 64 KiB; js and go allow 4 MiB, which is the upper bound here).</summary>
    public int MaxMessageSize { get; set; } = 64 * 1024;

    /// <summary>Addresses kept per peer taken from a message (default 16); the rest are dropped.</summary>
    public int MaxAddressesPerPeer { get; set; } = 16;

    /// <summary>Replacement candidates kept per full bucket (default 20).</summary>
    public int ReplacementCacheSize { get; set; } = 20;

    /// <summary>
    /// Most peers per bucket with a public IPv4 address in one /24 or IPv6 address in one /48 (default 2, as go-libp2p's
    /// diversity filter). Loopback, private and link-local addresses are exempt (local test networks).
    /// </summary>
    public int MaxPeersPerIpGroupPerBucket { get; set; } = 2;

    /// <summary>Buckets not looked up for this long are refreshed by <see cref="KadDht.RefreshAsync"/> (default 10 min, the spec's bootstrap period).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Provider records expire after this long unless republished (default 48 h, spec and js PROVIDERS_VALIDITY).</summary>
    public TimeSpan ProviderValidity { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Our own provider records are republished this often (default 22 h, the spec's IPFS value).</summary>
    public TimeSpan ProviderRepublishInterval { get; set; } = TimeSpan.FromHours(22);

    /// <summary>Stored records expire after this long (default 48 h, as js).</summary>
    public TimeSpan RecordValidity { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Distinct keys with provider records kept (default 10 000); adds beyond it are dropped and counted.</summary>
    public int MaxProviderKeys { get; set; } = 10_000;

    /// <summary>Providers kept per key (default 20, one k); further adds are dropped and counted.</summary>
    public int MaxProvidersPerKey { get; set; } = 20;

    /// <summary>Records kept (default 10 000).</summary>
    public int MaxRecords { get; set; } = 10_000;

    /// <summary>Largest record value accepted (default 16 KiB).</summary>
    public int MaxRecordSize { get; set; } = 16 * 1024;

    /// <summary>Valid values <see cref="KadDht.GetValueAsync"/> collects before it picks the best (default 1: the first; the local record counts).</summary>
    public int GetValueQuorum { get; set; } = 1;

    /// <summary>Validators by record namespace (<c>/ns/…</c>); <c>pk</c> is built in. Records of other namespaces are refused.</summary>
    public IDictionary<string, IRecordValidator> Validators { get; } =
        new Dictionary<string, IRecordValidator>(StringComparer.Ordinal) { [KadKeys.PublicKeyNamespace] = new PublicKeyRecordValidator() };

    /// <summary>Peers dialed by <see cref="KadDht.BootstrapAsync"/>, each ending in <c>/p2p/&lt;id&gt;</c> (default none).</summary>
    public IList<Multiaddr> BootstrapPeers { get; } = [];

    /// <summary>Time source for expiry, refresh and timeouts (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logging (default none).</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ProtocolId, nameof(ProtocolId));
        ArgumentOutOfRangeException.ThrowIfLessThan(K, 1, nameof(K));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(K, 256, nameof(K));
        ArgumentOutOfRangeException.ThrowIfLessThan(Alpha, 1, nameof(Alpha));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Alpha, 64, nameof(Alpha));
        ArgumentOutOfRangeException.ThrowIfLessThan(DisjointPaths, 1, nameof(DisjointPaths));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DisjointPaths, K, nameof(DisjointPaths));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LookupTimeout, TimeSpan.Zero, nameof(LookupTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueriedPeers, 1, nameof(MaxQueriedPeers));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 1024, nameof(MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxMessageSize, 4 * 1024 * 1024, nameof(MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAddressesPerPeer, 1, nameof(MaxAddressesPerPeer));
        ArgumentOutOfRangeException.ThrowIfNegative(ReplacementCacheSize, nameof(ReplacementCacheSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPeersPerIpGroupPerBucket, 1, nameof(MaxPeersPerIpGroupPerBucket));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefreshInterval, TimeSpan.Zero, nameof(RefreshInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ProviderValidity, TimeSpan.Zero, nameof(ProviderValidity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ProviderRepublishInterval, TimeSpan.Zero, nameof(ProviderRepublishInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RecordValidity, TimeSpan.Zero, nameof(RecordValidity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxProviderKeys, 1, nameof(MaxProviderKeys));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxProvidersPerKey, 1, nameof(MaxProvidersPerKey));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecords, 1, nameof(MaxRecords));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordSize, 1, nameof(MaxRecordSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(GetValueQuorum, 1, nameof(GetValueQuorum));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(GetValueQuorum, K, nameof(GetValueQuorum));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
    }
}
