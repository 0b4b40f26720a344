namespace Casto.Discovery.Kad;

/// <summary>What a lookup did: filled in when the lookup ends (pass one to a query method to read it).</summary>
public sealed class KadQueryStats
{
    /// <summary>Peers that were sent a request.</summary>
    public int Queried { get; internal set; }

    /// <summary>Requests that failed or timed out.</summary>
    public int Failed { get; internal set; }

    /// <summary>
    /// Hops: the longest chain of referrals to a peer that answered (a peer from our routing table is hop 1, a peer it
    /// named is hop 2, …). With α requests in flight this is the number of sequential rounds the lookup needed.
    /// </summary>
    public int Hops { get; internal set; }

    /// <summary>The closest peers that answered, nearest first (at most k).</summary>
    public IReadOnlyList<KadPeer> Closest { get; internal set; } = [];
}
