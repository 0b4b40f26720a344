using Xunit.Abstractions;
using System.Diagnostics;
using Casto.Discovery.Kad;

namespace Casto.Discovery.Tests.Kad;

public sealed class KadNetworkTests(ITestOutputHelper output)
{
    private async Task EveryNodeFindsTheProvider(KadTestNetwork network, int count)
    {
        var stream = KadKeys.ForStream("casto/live/" + count);
        var provider = network.Nodes[count / 3].Dht;
        Assert.True(await provider.ProvideAsync(stream) > 0);

        var hops = new List<int>();
        var misses = 0;
        await Parallel.ForEachAsync(network.Nodes, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (node, ct) =>
        {
            var stats = new KadQueryStats();
            var found = false;
            await foreach (var p in node.Dht.FindProvidersAsync(stream, 1, stats, ct))
            {
                found |= p.PeerId == provider.PeerId && p.Addresses.Count > 0;
            }

            lock (hops) // hops 0: the node itself holds the record (it is one of the k closest to the key)
            {
                hops.Add(stats.Hops);
                misses += found ? 0 : 1;
            }
        });

        Assert.Equal(0, misses);
        output.WriteLine($"{count} nodes: hops max {hops.Max()}, mean {hops.Average():F2}, histogram {string.Join(' ', hops.GroupBy(h => h).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"))}");
        var bound = (int)Math.Ceiling(Math.Log2(count));
        Assert.True(hops.Max() <= bound, $"max hops {hops.Max()} > log2({count}) = {bound}; mean {hops.Average():F2}");
    }

    [Fact]
    public async Task Two_hundred_in_memory_nodes_all_find_a_provider_within_log2_N_hops()
    {
        await using var network = new KadTestNetwork();
        var started = Stopwatch.StartNew();
        await network.StartAsync(200);
        Assert.All(network.Nodes, n => Assert.True(n.Dht.RoutingTableSize >= 20, $"table of {n.Dht.RoutingTableSize}"));
        await EveryNodeFindsTheProvider(network, 200);
        output.WriteLine($"routing tables: mean {network.Nodes.Average(n => n.Dht.RoutingTableSize):F1}, min {network.Nodes.Min(n => n.Dht.RoutingTableSize)}");

        // full FIND_NODE lookups: the k closest peers of the whole network are found, within log2 N hops
        var all = network.Nodes.Select(n => n.Host.PeerId).ToList();
        var lookupHops = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            var point = KadId.FromKey(key);
            var asker = network.Nodes[i * 7 % 200];
            var result = await asker.Dht.GetClosestPeersAsync(key);
            var expected = all.Where(p => p != asker.Host.PeerId)
                .OrderBy(p => KadId.FromKey(p.Bytes), Comparer<KadId>.Create(point.CompareDistance)).Take(20).ToHashSet();
            var overlap = result.Closest.Count(p => expected.Contains(p.PeerId));
            Assert.True(overlap >= 18, $"only {overlap} of the 20 true closest found");
            lookupHops.Add(result.Hops);
        }

        output.WriteLine($"FIND_NODE lookups: hops max {lookupHops.Max()}, mean {lookupHops.Average():F2}");
        Assert.True(lookupHops.Max() <= (int)Math.Ceiling(Math.Log2(200)));

        // peer routing: a far node's addresses are found
        var target = network.Nodes[^1];
        var stats = new KadQueryStats();
        var found = await network.Nodes[1].Dht.FindPeerAsync(target.Host.PeerId, stats);
        Assert.NotNull(found);
        Assert.Contains(target.Host.ListenAddresses[0].Decapsulate(Casto.Stack.Multiaddrs.MultiaddrProtocol.P2p), found.Addresses);
        Assert.True(started.Elapsed < TimeSpan.FromMinutes(4), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Fifty_nodes_over_tcp_loopback_find_a_provider_and_a_value()
    {
        await using var network = new KadTestNetwork(tcp: true);
        await network.StartAsync(50, o => o.DisjointPaths = 2);
        await EveryNodeFindsTheProvider(network, 50);

        var owner = network.Nodes[10];
        var key = KadKeys.ForPublicKey(owner.Host.PeerId);
        var value = owner.Host.PeerId.PublicKey!.Protobuf.ToArray();
        Assert.True(await owner.Dht.PutValueAsync(key, value) > 0);
        Assert.Equal(value, await network.Nodes[40].Dht.GetValueAsync(key));
    }

    [Fact]
    public async Task Client_mode_does_not_register_the_protocol_but_can_query()
    {
        await using var network = new KadTestNetwork();
        await network.StartAsync(10);
        var (clientHost, client) = await network.AddAsync(o =>
        {
            o.ServerMode = false;
            o.BootstrapPeers.Add(network.Nodes[0].Host.ListenAddresses[0]);
        });
        Assert.DoesNotContain(KadDht.DefaultProtocolId, clientHost.Protocols);
        Assert.True(await client.BootstrapAsync() > 0);
        var stream = KadKeys.ForStream("client-mode");
        await network.Nodes[3].Dht.ProvideAsync(stream);
        var providers = await client.FindProvidersAsync(stream).ToListAsync();
        Assert.Contains(providers, p => p.PeerId == network.Nodes[3].Host.PeerId);
        await Task.Delay(300);
        Assert.All(network.Nodes, n => Assert.DoesNotContain(n.Dht.RoutingTablePeers, p => p.PeerId == clientHost.PeerId));
    }

    [Fact]
    public async Task Found_providers_flow_into_PeerDiscovery()
    {
        await using var network = new KadTestNetwork();
        await network.StartAsync(8);
        var stream = KadKeys.ForStream("discovery");
        await network.Nodes[5].Dht.ProvideAsync(stream);
        var options = new KadDiscoveryOptions { ReportRoutingTable = false };
        options.Keys.Add(stream);
        await using var discovery = new PeerDiscovery();
        var events = discovery.Subscribe();
        await discovery.AddAsync(new KadDiscoverySource(network.Nodes[1].Dht, options));
        await discovery.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var e = await events.ReadAsync(cts.Token);
        Assert.Equal("dht", e.Source);
        Assert.Equal(network.Nodes[5].Host.PeerId, e.PeerId);
        Assert.NotEmpty(e.Addrs);
    }

    [Fact]
    public async Task Routing_table_changes_are_reported_found_and_lost()
    {
        await using var network = new KadTestNetwork();
        await network.StartAsync(3);
        var (_, dht) = network.Nodes[0];
        await using var discovery = new PeerDiscovery();
        var events = discovery.Subscribe();
        await discovery.AddAsync(new KadDiscoverySource(dht));
        await discovery.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = await events.ReadAsync(cts.Token); // the table's current peers are reported at start
        Assert.Equal(DiscoveryEventKind.Found, first.Kind);

        var (_, extra) = await network.AddAsync();
        dht.AddPeer(extra.PeerId, [network.Nodes[^1].Host.ListenAddresses[0].Decapsulate(Casto.Stack.Multiaddrs.MultiaddrProtocol.P2p)]);
        DiscoveryEvent e;
        do
        {
            e = await events.ReadAsync(cts.Token);
        }
        while (e.PeerId != extra.PeerId);
        Assert.Equal(DiscoveryEventKind.Found, e.Kind);

        Assert.True(dht.Table.Remove(extra.PeerId));
        do
        {
            e = await events.ReadAsync(cts.Token);
        }
        while (e.PeerId != extra.PeerId);
        Assert.Equal(DiscoveryEventKind.Lost, e.Kind);
    }
}
