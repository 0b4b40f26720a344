using Casto.Discovery.Kad;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Kad;

public sealed class RoutingTableTests
{
    private static PeerId NewPeer() => PrivateKey.Generate().PeerId;

    private static RoutingTable NewTable(PeerId self, Action<KadDhtOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new KadDhtOptions { TimeProvider = time ?? TimeProvider.System };
        configure?.Invoke(options);
        options.Validate();
        return new RoutingTable(self, options);
    }

    /// <summary>Peers that all land in bucket 0 (first bit differs from ours).</summary>
    private static List<PeerId> PeersInBucket(PeerId self, int prefix, int count)
    {
        var selfId = KadId.FromKey(self.Bytes);
        var peers = new List<PeerId>();
        while (peers.Count < count)
        {
            var p = NewPeer();
            if (selfId.CommonPrefixLength(KadId.FromKey(p.Bytes)) == prefix)
            {
                peers.Add(p);
            }
        }

        return peers;
    }

    private static Multiaddr[] Mem(int port) => [Multiaddr.Parse($"/memory/{port}")];

    [Fact]
    public void A_full_bucket_keeps_newcomers_as_replacements_and_asks_to_ping_the_oldest()
    {
        var self = NewPeer();
        var table = NewTable(self, o => { o.K = 4; o.ReplacementCacheSize = 2; });
        var peers = PeersInBucket(self, 0, 7);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(AddResult.Added, table.TryAdd(peers[i], Mem(i), out _));
        }

        Assert.Equal(AddResult.Updated, table.TryAdd(peers[0], Mem(0), out _)); // peers[0] is now the newest
        Assert.Equal(AddResult.Pending, table.TryAdd(peers[4], Mem(4), out var oldest));
        Assert.Equal(peers[1], oldest!.Peer);
        Assert.True(table.TryBeginCheck(oldest));
        Assert.False(table.TryBeginCheck(oldest)); // one check per bucket at a time
        table.EndCheck(oldest, alive: false); // dead: replaced by the newest candidate
        Assert.False(table.Contains(peers[1]));
        Assert.True(table.Contains(peers[4]));

        table.TryAdd(peers[5], Mem(5), out oldest);
        table.TryAdd(peers[6], Mem(6), out _);
        Assert.True(table.TryBeginCheck(oldest!));
        table.EndCheck(oldest!, alive: true); // alive: stays, newcomers wait
        Assert.True(table.Contains(oldest!.Peer));
        Assert.Equal(4, table.Count);
        Assert.Equal(AddResult.Self, table.TryAdd(self, Mem(9), out _));
    }

    [Fact]
    public void At_most_N_peers_per_public_slash24_per_bucket_but_loopback_is_exempt()
    {
        var self = NewPeer();
        var table = NewTable(self, o => o.MaxPeersPerIpGroupPerBucket = 2);
        var peers = PeersInBucket(self, 0, 8);
        var results = peers.Take(4).Select((p, i) => table.TryAdd(p, [Multiaddr.Parse($"/ip4/203.0.113.{i + 1}/tcp/4001")], out _)).ToList();
        Assert.Equal([AddResult.Added, AddResult.Added, AddResult.IpLimit, AddResult.IpLimit], results);
        Assert.Equal(AddResult.Added, table.TryAdd(peers[4], [Multiaddr.Parse("/ip4/198.51.100.1/tcp/4001")], out _));
        Assert.Equal(AddResult.Added, table.TryAdd(peers[5], [Multiaddr.Parse("/ip6/2001:db8:1:2::1/tcp/4001")], out _));
        Assert.Equal(AddResult.Added, table.TryAdd(peers[6], [Multiaddr.Parse("/ip6/2001:db8:1:ffff::1/tcp/4001")], out _));
        Assert.Equal(AddResult.IpLimit, table.TryAdd(peers[7], [Multiaddr.Parse("/ip6/2001:db8:1:7::9/tcp/4001")], out _));
        Assert.Equal(3, table.Dropped);

        var local = NewTable(self);
        Assert.All(PeersInBucket(self, 0, 5), p => Assert.Equal(AddResult.Added, local.TryAdd(p, [Multiaddr.Parse("/ip4/127.0.0.1/tcp/1")], out _)));
    }

    [Fact]
    public void Closest_is_sorted_by_xor_distance_of_sha256()
    {
        var self = NewPeer();
        var table = NewTable(self);
        var peers = Enumerable.Range(0, 200).Select(_ => NewPeer()).ToList();
        foreach (var p in peers)
        {
            table.TryAdd(p, Mem(1), out _);
        }

        var target = KadId.FromKey("some key"u8);
        var closest = table.Closest(target, 20);
        Assert.Equal(20, closest.Count);
        var expected = table.All().OrderBy(e => e.Id.Xor(target), Comparer<KadId>.Create((a, b) => a.CompareTo(b))).Take(20).Select(e => e.Peer);
        Assert.Equal(expected, closest.Select(e => e.Peer));
    }

    [Fact]
    public async Task Saved_table_loads_after_a_restart()
    {
        var self = NewPeer();
        var table = NewTable(self);
        var peers = Enumerable.Range(0, 30).Select(_ => NewPeer()).ToList();
        foreach (var (p, i) in peers.Select((p, i) => (p, i)))
        {
            table.TryAdd(p, [Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{4000 + i}")], out _);
        }

        var path = Path.Combine(Path.GetTempPath(), $"kad-{Guid.NewGuid():N}.json");
        try
        {
            await table.SaveAsync(path, default);
            var restored = NewTable(self);
            Assert.Equal(table.Count, await restored.LoadAsync(path, default));
            Assert.Equal(table.All().Select(e => (e.Peer, e.Addresses[0])).OrderBy(x => x.Peer.ToString()),
                restored.All().Select(e => (e.Peer, e.Addresses[0])).OrderBy(x => x.Peer.ToString()));
            await File.WriteAllTextAsync(path, "{\"peers\":[{\"id\":\"nope\"},{\"id\":5},7]}");
            Assert.Equal(0, await NewTable(self).LoadAsync(path, default)); // garbage entries are skipped
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Buckets_not_looked_up_within_the_refresh_interval_are_stale()
    {
        var clock = new ManualTimeProvider();
        var self = NewPeer();
        var table = NewTable(self, o => o.RefreshInterval = TimeSpan.FromMinutes(10), clock);
        foreach (var p in PeersInBucket(self, 2, 1))
        {
            table.TryAdd(p, Mem(1), out _);
        }

        Assert.Empty(table.StaleBuckets());
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal([0, 1, 2], table.StaleBuckets());
        var key = table.RandomKeyInBucket(1);
        Assert.Equal(1, table.SelfId.CommonPrefixLength(KadId.FromKey(key)));
        table.MarkLookup(KadId.FromKey(key));
        Assert.Equal([0, 2], table.StaleBuckets());
    }

    [Fact]
    public void Options_validate_their_ranges()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KadDhtOptions { K = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new KadDhtOptions { MaxMessageSize = 8 * 1024 * 1024 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new KadDhtOptions { DisjointPaths = 21 }.Validate());
        new KadDhtOptions().Validate();
    }
}
