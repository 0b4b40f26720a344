using Casto.Discovery.Dns;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Mdns;

/// <summary>Settings and limits of <see cref="MdnsDiscovery"/>; defaults match js-libp2p's @libp2p/mdns.</summary>
public sealed class MdnsOptions
{
    /// <summary>Our peer id (required): announced in every <c>dnsaddr=…/p2p/&lt;id&gt;</c> string.</summary>
    public PeerId? PeerId { get; set; }

    /// <summary>Addresses announced at start (change them later with <see cref="MdnsDiscovery.UpdateAddresses"/>); /p2p/&lt;id&gt; is appended when missing, and 0.0.0.0 / :: become the interface addresses.</summary>
    public IReadOnlyList<Multiaddr> Addresses { get; set; } = [];

    /// <summary>Announce only loopback and private (RFC 1918, ULA, link-local) IP addresses, like js-libp2p (default true).</summary>
    public bool AnnounceOnlyPrivateAddresses { get; set; } = true;

    /// <summary>How often to ask "who is there" (default 10 s, as js-libp2p); the first query goes out at start.</summary>
    public TimeSpan QueryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>TTL of the records we announce (default 120 s, RFC 6762 §10 and js-libp2p).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The DNS-SD service (default <c>_p2p._udp.local</c>, libp2p mDNS spec).</summary>
    public string ServiceName { get; set; } = "_p2p._udp.local";

    /// <summary>Length of the random instance label (default 63, the DNS label limit, as js-libp2p).</summary>
    public int PeerNameLength { get; set; } = 63;

    /// <summary>Use IPv4 (224.0.0.251:5353; default true).</summary>
    public bool UseIPv4 { get; set; } = true;

    /// <summary>Use IPv6 (ff02::fb port 5353; default true). Failing to open IPv6 is not an error when IPv4 works.</summary>
    public bool UseIPv6 { get; set; } = true;

    /// <summary>Interface to use, by name ("eth0") or one of its addresses; null (default) uses every multicast-capable interface that is up.</summary>
    public string? Interface { get; set; }

    /// <summary>UDP port (default 5353; tests may change it).</summary>
    public int Port { get; set; } = 5353;

    /// <summary>Remote instances tracked at once (default 256); more are ignored until some expire.</summary>
    public int MaxPeers { get; set; } = 256;

    /// <summary>Addresses kept per remote instance (default 32).</summary>
    public int MaxAddressesPerPeer { get; set; } = 32;

    /// <summary>Packets processed per second (default 200, burst the same); the rest are dropped unread.</summary>
    public int MaxPacketsPerSecond { get; set; } = 200;

    /// <summary>Responses to queries sent per second (default 5, burst the same); queries beyond it go unanswered.</summary>
    public int MaxResponsesPerSecond { get; set; } = 5;

    /// <summary>Remote TTLs above this are cut to it (default 75 min, the longest TTL RFC 6762 §10 recommends), so stale peers still expire.</summary>
    public TimeSpan MaxRemoteTtl { get; set; } = TimeSpan.FromMinutes(75);

    /// <summary>How often expired records are looked for (default 1 s).</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Limits of the DNS codec.</summary>
    public DnsOptions Dns { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> (or a subclass) when a setting is missing or out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(PeerId);
        ArgumentNullException.ThrowIfNull(Addresses);
        ArgumentException.ThrowIfNullOrWhiteSpace(ServiceName);
        ArgumentOutOfRangeException.ThrowIfLessThan(QueryInterval, TimeSpan.FromMilliseconds(100));
        ArgumentOutOfRangeException.ThrowIfLessThan(Ttl, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Ttl, TimeSpan.FromSeconds(uint.MaxValue));
        ArgumentOutOfRangeException.ThrowIfLessThan(PeerNameLength, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PeerNameLength, 63);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPeers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAddressesPerPeer, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPacketsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponsesPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRemoteTtl, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(ExpiryCheckInterval, TimeSpan.FromMilliseconds(10));
        if (!UseIPv4 && !UseIPv6)
        {
            throw new ArgumentException("at least one of UseIPv4 and UseIPv6 must be set");
        }

        ArgumentNullException.ThrowIfNull(Dns);
        Dns.Validate();
        _ = DnsName.Split(ServiceName);
    }
}
