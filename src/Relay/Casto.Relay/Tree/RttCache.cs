using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>
/// The round trip to peers this node measured: candidate probes (<c>/ipfs/ping/1.0.0</c>), dial handshakes (an
/// estimate: the handshake's time over <see cref="HandshakeRoundTrips"/>) and the heartbeat echoes of live links. At
/// most <c>capacity</c> peers (the oldest sample goes first), each forgotten <c>lifetime</c> after its latest sample.
/// A measurement replaces what was known; an estimate only fills a gap (it never overwrites a live measurement).
/// Thread-safe; one per <see cref="TreeNode"/> (every stream it carries shares it).
/// </summary>
internal sealed class RttCache(int capacity, TimeSpan lifetime, TimeProvider time)
{
    /// <summary>
    /// Round trips in an outbound dial: TCP's connect, multistream-select of the security protocol, Noise's first two
    /// messages, multistream-select of the muxer.
    /// </summary>
    public const int HandshakeRoundTrips = 4;

    private readonly Lock _gate = new();
    private readonly Dictionary<PeerId, Entry> _entries = [];

    /// <summary>Peers remembered now (expired ones included until they are next looked at).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>A round trip measured (a probe's ping or a link's heartbeat echo): replaces what was known.</summary>
    public void Record(PeerId peer, TimeSpan rtt) => Put(peer, rtt, estimate: false);

    /// <summary>A dial handshake that took <paramref name="handshake"/>: kept as an estimate unless a measurement is known.</summary>
    public void RecordHandshake(PeerId peer, TimeSpan handshake) => Put(peer, handshake / HandshakeRoundTrips, estimate: true);

    /// <summary>The latest round trip to <paramref name="peer"/>, unless it expired.</summary>
    public bool TryGet(PeerId peer, out TimeSpan rtt)
    {
        long now = time.GetTimestamp();
        lock (_gate)
        {
            if (_entries.TryGetValue(peer, out Entry e) && time.GetElapsedTime(e.At, now) <= lifetime)
            {
                rtt = e.Rtt;
                return true;
            }

            _entries.Remove(peer);
            rtt = default;
            return false;
        }
    }

    /// <summary>The known round trips of <paramref name="peers"/> (what <see cref="ParentRanking"/> takes).</summary>
    public Dictionary<PeerId, TimeSpan> Of(IEnumerable<PeerId> peers)
    {
        var known = new Dictionary<PeerId, TimeSpan>();
        foreach (PeerId p in peers)
        {
            if (!known.ContainsKey(p) && TryGet(p, out TimeSpan rtt))
            {
                known.Add(p, rtt);
            }
        }

        return known;
    }

    private void Put(PeerId peer, TimeSpan rtt, bool estimate)
    {
        if (rtt < TimeSpan.Zero)
        {
            return;
        }

        long now = time.GetTimestamp();
        lock (_gate)
        {
            if (_entries.TryGetValue(peer, out Entry old))
            {
                if (estimate && !old.Estimate && time.GetElapsedTime(old.At, now) <= lifetime)
                {
                    return;
                }
            }
            else if (_entries.Count >= capacity)
            {
                Evict(now);
            }

            _entries[peer] = new Entry(rtt, now, estimate);
        }
    }

    /// <summary>Makes room for one: every expired entry goes, or else the oldest.</summary>
    private void Evict(long now)
    {
        PeerId? oldest = null;
        long oldestAt = long.MaxValue;
        var expired = new List<PeerId>();
        foreach ((PeerId peer, Entry e) in _entries)
        {
            if (time.GetElapsedTime(e.At, now) > lifetime)
            {
                expired.Add(peer);
            }
            else if (e.At < oldestAt)
            {
                (oldest, oldestAt) = (peer, e.At);
            }
        }

        expired.ForEach(p => _entries.Remove(p));
        if (expired.Count == 0 && oldest is not null)
        {
            _entries.Remove(oldest);
        }
    }

    private readonly record struct Entry(TimeSpan Rtt, long At, bool Estimate);
}
