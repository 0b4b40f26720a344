using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Kad;

/// <summary>How <see cref="RoutingTable.TryAdd"/> treated a peer.</summary>
internal enum AddResult
{
    /// <summary>Inserted into its bucket.</summary>
    Added,
    /// <summary>Already there: marked as seen, addresses replaced.</summary>
    Updated,
    /// <summary>The bucket is full: the peer waits in the replacement cache; the oldest entry should be pinged.</summary>
    Pending,
    /// <summary>Refused: the bucket already holds the maximum of peers from this /24 or /48.</summary>
    IpLimit,
    /// <summary>Refused: our own id.</summary>
    Self,
}

/// <summary>One routing-table entry.</summary>
internal sealed class RoutingEntry(PeerId peer, KadId id, Multiaddr[] addresses, long lastSeen)
{
    public PeerId Peer { get; } = peer;

    public KadId Id { get; } = id;

    public Multiaddr[] Addresses { get; set; } = addresses;

    public long LastSeen { get; set; } = lastSeen;

    public string? Group => IpGroup.Of(Addresses);
}
