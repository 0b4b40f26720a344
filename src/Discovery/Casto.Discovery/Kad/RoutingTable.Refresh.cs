using System.Security.Cryptography;

namespace Casto.Discovery.Kad;

/// <content>Bucket refresh and liveness-check bookkeeping.</content>
internal sealed partial class RoutingTable
{
    /// <summary>Buckets above this prefix length are not refreshed by random lookups (finding a key for them costs 2^i hashes).</summary>
    public const int MaxRefreshPrefix = 15;

    /// <summary>Records that a lookup for <paramref name="target"/> ran: its bucket counts as fresh.</summary>
    public void MarkLookup(KadId target)
    {
        lock (_lock)
        {
            BucketFor(target).LastRefreshed = _options.TimeProvider.GetUtcNow();
        }
    }

    /// <summary>Prefix lengths of buckets not looked up within <see cref="KadDhtOptions.RefreshInterval"/>, up to the highest non-empty one.</summary>
    public List<int> StaleBuckets()
    {
        var now = _options.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            var highest = Array.FindLastIndex(_buckets, b => b.Peers.Count > 0);
            var stale = new List<int>();
            for (var i = 0; i <= Math.Min(highest, MaxRefreshPrefix); i++)
            {
                if (now - _buckets[i].LastRefreshed >= _options.RefreshInterval)
                {
                    stale.Add(i);
                }
            }

            return stale;
        }
    }

    /// <summary>A random key (shaped as a sha2-256 peer id) whose keyspace point shares exactly <paramref name="prefix"/> bits with ours.</summary>
    public byte[] RandomKeyInBucket(int prefix)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefix, MaxRefreshPrefix);
        var key = new byte[34];
        key[0] = 0x12;
        key[1] = 0x20;
        while (true)
        {
            RandomNumberGenerator.Fill(key.AsSpan(2));
            if (SelfId.CommonPrefixLength(KadId.FromKey(key)) == prefix)
            {
                return key;
            }
        }
    }

    /// <summary>Claims the liveness check of <paramref name="entry"/>'s bucket; false when one is already running.</summary>
    public bool TryBeginCheck(RoutingEntry entry)
    {
        lock (_lock)
        {
            var bucket = BucketFor(entry.Id);
            if (bucket.CheckPending)
            {
                return false;
            }

            bucket.CheckPending = true;
            return true;
        }
    }

    /// <summary>Ends a liveness check: a live peer moves to the tail, a dead one is replaced from the cache.</summary>
    public void EndCheck(RoutingEntry entry, bool alive)
    {
        lock (_lock)
        {
            BucketFor(entry.Id).CheckPending = false;
        }

        if (alive)
        {
            MarkAlive(entry.Peer);
        }
        else
        {
            Remove(entry.Peer);
        }
    }
}
