using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Kad;

/// <summary>
/// k-buckets by common prefix length with our id (kad-dht §Kademlia routing table): bucket <c>i</c> holds peers whose
/// sha256 id shares exactly <c>i</c> leading bits with ours, at most k each, least recently seen first. A full bucket
/// keeps newcomers in a bounded replacement cache; the oldest entry is pinged and replaced only if it is dead.
/// </summary>
internal sealed partial class RoutingTable
{
    private readonly Lock _lock = new();
    private readonly Bucket[] _buckets = new Bucket[KadId.Bits];
    private readonly KadDhtOptions _options;
    private long _dropped;

    public RoutingTable(PeerId self, KadDhtOptions options)
    {
        Self = self;
        SelfId = KadId.FromKey(self.Bytes);
        _options = options;
        var now = options.TimeProvider.GetUtcNow();
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Bucket { LastRefreshed = now };
        }
    }

    /// <summary>Raised (outside the lock) when a peer enters the table.</summary>
    public event Action<RoutingEntry>? PeerAdded;

    /// <summary>Raised (outside the lock) when a peer leaves the table.</summary>
    public event Action<PeerId>? PeerRemoved;

    public PeerId Self { get; }

    public KadId SelfId { get; }

    /// <summary>Peers refused by the IP diversity limit or dropped from a full replacement cache.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Sum(b => b.Peers.Count);
            }
        }
    }

    /// <summary>Adds or refreshes a peer known to be a DHT server; <paramref name="oldest"/> is set for <see cref="AddResult.Pending"/>.</summary>
    public AddResult TryAdd(PeerId peer, IReadOnlyList<Multiaddr> addresses, out RoutingEntry? oldest)
    {
        oldest = null;
        var id = KadId.FromKey(peer.Bytes);
        if (id == SelfId)
        {
            return AddResult.Self;
        }

        var addrs = addresses.Take(_options.MaxAddressesPerPeer).ToArray();
        var now = _options.TimeProvider.GetTimestamp();
        RoutingEntry? added = null;
        AddResult result;
        lock (_lock)
        {
            var bucket = BucketFor(id);
            var index = bucket.Peers.FindIndex(e => e.Peer == peer);
            if (index >= 0)
            {
                var entry = bucket.Peers[index];
                bucket.Peers.RemoveAt(index);
                bucket.Peers.Add(entry);
                entry.LastSeen = now;
                if (addrs.Length > 0)
                {
                    entry.Addresses = addrs;
                }

                return AddResult.Updated;
            }

            var candidate = new RoutingEntry(peer, id, addrs, now);
            if (candidate.Group is { } group && bucket.Peers.Count(e => e.Group == group) >= _options.MaxPeersPerIpGroupPerBucket)
            {
                Interlocked.Increment(ref _dropped);
                return AddResult.IpLimit;
            }

            if (bucket.Peers.Count < _options.K)
            {
                bucket.Peers.Add(candidate);
                added = candidate;
                result = AddResult.Added;
            }
            else
            {
                bucket.Replacements.RemoveAll(e => e.Peer == peer);
                bucket.Replacements.Add(candidate);
                if (bucket.Replacements.Count > _options.ReplacementCacheSize)
                {
                    bucket.Replacements.RemoveAt(0);
                    Interlocked.Increment(ref _dropped);
                }

                oldest = bucket.Peers[0];
                result = AddResult.Pending;
            }
        }

        if (added is not null)
        {
            PeerAdded?.Invoke(added);
        }

        return result;
    }

    /// <summary>Marks a peer as alive (moves it to the tail of its bucket).</summary>
    public void MarkAlive(PeerId peer) => TryAdd(peer, [], out _);

    /// <summary>Removes a peer (dead, or no longer a server); the newest replacement takes its place.</summary>
    public bool Remove(PeerId peer)
    {
        var id = KadId.FromKey(peer.Bytes);
        RoutingEntry? promoted = null;
        lock (_lock)
        {
            var bucket = BucketFor(id);
            if (bucket.Peers.RemoveAll(e => e.Peer == peer) == 0)
            {
                bucket.Replacements.RemoveAll(e => e.Peer == peer);
                return false;
            }

            if (bucket.Replacements.Count > 0)
            {
                promoted = bucket.Replacements[^1];
                bucket.Replacements.RemoveAt(bucket.Replacements.Count - 1);
                bucket.Peers.Add(promoted);
            }
        }

        PeerRemoved?.Invoke(peer);
        if (promoted is not null)
        {
            PeerAdded?.Invoke(promoted);
        }

        return true;
    }

    public bool Contains(PeerId peer)
    {
        var id = KadId.FromKey(peer.Bytes);
        lock (_lock)
        {
            return BucketFor(id).Peers.Exists(e => e.Peer == peer);
        }
    }

    /// <summary>Up to <paramref name="count"/> peers closest to <paramref name="target"/>, nearest first.</summary>
    public List<RoutingEntry> Closest(KadId target, int count, PeerId? exclude = null)
    {
        lock (_lock)
        {
            return [.. _buckets.SelectMany(b => b.Peers).Where(e => e.Peer != exclude)
                .OrderBy(e => e.Id, Comparer<KadId>.Create(target.CompareDistance)).Take(count)];
        }
    }

    /// <summary>Every entry (a snapshot).</summary>
    public List<RoutingEntry> All()
    {
        lock (_lock)
        {
            return [.. _buckets.SelectMany(b => b.Peers)];
        }
    }

    private Bucket BucketFor(KadId id) => _buckets[Math.Min(SelfId.CommonPrefixLength(id), KadId.Bits - 1)];

    private sealed class Bucket
    {
        public List<RoutingEntry> Peers { get; } = [];

        public List<RoutingEntry> Replacements { get; } = [];

        public DateTimeOffset LastRefreshed { get; set; }

        public bool CheckPending { get; set; }
    }
}
