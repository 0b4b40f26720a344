using System.Security.Cryptography;
using Casto.Discovery.Kad;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Xunit.Abstractions;

namespace Casto.Discovery.Tests.Kad;

/// <summary>
/// Three js-libp2p and three Casto DHT nodes in one network (<see cref="KadMixedNetwork"/>): peer routing, provider and
/// value records, and closest-peer lookups, each checked from every node of both implementations.
/// </summary>
public sealed class KadMixedNetworkTests(KadMixedNetwork fixture, ITestOutputHelper output) : IClassFixture<KadMixedNetwork>
{
    [Fact]
    public async Task Every_routing_table_holds_the_five_other_nodes_of_both_implementations()
    {
        Assert.Equal(KadMixedNetwork.PerSide * 2, fixture.AllPeers.Distinct().Count());
        Assert.All(fixture.Js, js => Assert.Contains(KadDht.DefaultProtocolId, js.Protocols));
        Assert.Empty(await fixture.MissingFromTablesAsync());
    }

    [Fact]
    public async Task Every_node_finds_every_other_node_with_its_address()
    {
        foreach (var js in fixture.Js)
        {
            foreach (var target in fixture.AllPeers.Where(p => p != KadMixedNetwork.IdOf(js)))
            {
                var found = await js.RunAsync("findPeer", new { peer = target.ToString() });
                Assert.Equal(target.ToString(), found.GetProperty("id").GetString());
                Assert.Contains(found.GetProperty("addrs").EnumerateArray(), a => HasPort(Multiaddr.Parse(a.GetString()!), fixture.PortOf(target)));
            }
        }

        foreach (var (host, dht) in fixture.CSharp)
        {
            foreach (var target in fixture.AllPeers.Where(p => p != host.PeerId))
            {
                var found = await dht.FindPeerAsync(target);
                Assert.NotNull(found);
                Assert.Equal(target, found.PeerId);
                Assert.Contains(found.Addresses, a => HasPort(a, fixture.PortOf(target)));
            }
        }
    }

    [Fact]
    public async Task A_lookup_for_a_peers_own_id_returns_that_peer_first_from_both_sides()
    {
        // unlike FIND_PEER (which answers from the routing table), these lookups always query the network
        foreach (var target in fixture.AllPeers)
        {
            var key = target.Bytes.ToArray();
            foreach (var js in fixture.Js.Where(j => KadMixedNetwork.IdOf(j) != target))
            {
                var peers = JsPeers(await js.RunAsync("closestStats", new { key = Convert.ToHexStringLower(key) }));
                Assert.Equal(target, peers[0]);
            }

            foreach (var (host, dht) in fixture.CSharp.Where(c => c.Host.PeerId != target))
            {
                var closest = (await dht.GetClosestPeersAsync(key)).Closest;
                Assert.Equal(target, closest[0].PeerId);
                Assert.Contains(closest[0].Addresses, a => HasPort(a, fixture.PortOf(target)));
            }
        }
    }

    [Fact]
    public async Task Closest_peers_agree_across_implementations()
    {
        for (var round = 0; round < 3; round++)
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var point = KadId.FromKey(key);
            var expected = fixture.AllPeers.OrderBy(p => KadId.FromKey(p.Bytes), Comparer<KadId>.Create(point.CompareDistance)).ToList();
            output.WriteLine($"key {Convert.ToHexStringLower(key)[..8]}: {string.Join(' ', expected.Select(p => p.ToString()[^6..]))}");

            // k = 20 > 6: each node's answer is the whole network but itself, nearest first
            foreach (var js in fixture.Js)
            {
                var peers = JsPeers(await js.RunAsync("closestStats", new { key = Convert.ToHexStringLower(key) }));
                Assert.Equal(expected.Where(p => p != KadMixedNetwork.IdOf(js)), peers);
            }

            foreach (var (host, dht) in fixture.CSharp)
            {
                var stats = await dht.GetClosestPeersAsync(key);
                Assert.Equal(expected.Where(p => p != host.PeerId), stats.Closest.Select(p => p.PeerId));
            }
        }
    }

    [Fact]
    public async Task A_provider_record_from_either_side_is_found_by_every_node_of_the_other()
    {
        var provider = fixture.CSharp[1];
        var fromCsharp = KadKeys.ForStream("mixed/csharp-provides");
        Assert.True(await provider.Dht.ProvideAsync(fromCsharp) >= KadMixedNetwork.PerSide, "fewer peers told than there are js nodes");
        foreach (var js in fixture.Js)
        {
            var providers = (await js.RunAsync("findProviders", new { cid = fromCsharp.ToString() })).GetProperty("providers").EnumerateArray().ToList();
            var found = Assert.Single(providers);
            Assert.Equal(provider.Host.PeerId.ToString(), found.GetProperty("id").GetString());
            Assert.Contains(found.GetProperty("addrs").EnumerateArray(), a => HasPort(Multiaddr.Parse(a.GetString()!), fixture.PortOf(provider.Host.PeerId)));
        }

        var jsProvider = fixture.Js[1];
        var fromJs = KadKeys.ForStream("mixed/js-provides");
        await jsProvider.RunAsync("provide", new { cid = fromJs.ToString() });
        foreach (var (_, dht) in fixture.CSharp)
        {
            var found = Assert.Single(await dht.FindProvidersAsync(fromJs, 1).ToListAsync());
            Assert.Equal(KadMixedNetwork.IdOf(jsProvider), found.PeerId);
            Assert.Contains(found.Addresses, a => HasPort(a, fixture.PortOf(found.PeerId)));
        }
    }

    [Fact]
    public async Task A_public_key_record_from_either_side_is_found_by_every_node_of_the_other()
    {
        var owner = fixture.CSharp[2];
        var key = KadKeys.ForPublicKey(owner.Host.PeerId);
        var value = owner.Host.PeerId.PublicKey!.Protobuf.ToArray();
        Assert.True(await owner.Dht.PutValueAsync(key, value) >= KadMixedNetwork.PerSide, "fewer peers stored it than there are js nodes");
        foreach (var js in fixture.Js)
        {
            var got = await js.RunAsync("get", new { key = Convert.ToHexStringLower(key) });
            Assert.Equal(Convert.ToHexStringLower(value), got.GetProperty("value").GetString());
        }

        var jsOwner = fixture.Js[2];
        var jsKey = Convert.FromHexString((await jsOwner.RunAsync("putPk")).GetProperty("key").GetString()!);
        Assert.Equal(KadKeys.ForPublicKey(KadMixedNetwork.IdOf(jsOwner)), jsKey);
        foreach (var (_, dht) in fixture.CSharp)
        {
            var got = await dht.GetValueAsync(jsKey);
            Assert.NotNull(got);
            Assert.True(KadMixedNetwork.IdOf(jsOwner).Matches(PublicKey.FromProtobuf(got)), "the record is not the js peer's public key");
        }
    }

    private static List<PeerId> JsPeers(System.Text.Json.JsonElement answer) =>
        [.. answer.GetProperty("peers").EnumerateArray().Select(p => PeerId.Parse(p.GetString()!))];

    private static bool HasPort(Multiaddr address, string port) => address.ValueOf(MultiaddrProtocol.Tcp) == port;
}
