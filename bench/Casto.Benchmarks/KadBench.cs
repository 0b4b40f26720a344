using System.Diagnostics;
using System.Globalization;
using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Muxers.Yamux;
using Casto.Stack.Protocols.Identify;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Memory;

namespace Casto.Benchmarks;

/// <summary>
/// Kademlia lookups among N in-process nodes (memory transport, Noise + Yamux), and the memory cost of a routing-table
/// entry. Usage: dotnet run -c Release --project bench/Casto.Benchmarks -- kad [NODES=1000] [LOOKUPS=100]
/// </summary>
internal static class KadBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        var lookups = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        Console.WriteLine($"# Kademlia, {count} nodes, {lookups} lookups, {Environment.ProcessorCount} cores");
        Console.WriteLine($"routing-table entry: {EntryBytes():0} bytes (10 000 entries, one /memory address each)");

        var network = new MemoryNetwork();
        var nodes = new List<(CastoHost Host, KadDht Dht)>();
        var random = new Random(7);
        var watch = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var node = await StartAsync(network);
                if (i > 0)
                {
                    node.Dht.AddPeer(nodes[0].Host.PeerId, [nodes[0].Host.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p)]);
                    var other = nodes[random.Next(nodes.Count)];
                    node.Dht.AddPeer(other.Host.PeerId, [other.Host.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p)]);
                    await node.Dht.GetClosestPeersAsync(node.Host.PeerId.Bytes.ToArray());
                }

                nodes.Add(node);
            }

            Console.WriteLine($"join: {watch.Elapsed.TotalSeconds:0.0} s; tables mean {nodes.Average(n => n.Dht.RoutingTableSize):0.0}, min {nodes.Min(n => n.Dht.RoutingTableSize)}");
            Console.WriteLine($"managed heap after join: {GC.GetTotalMemory(forceFullCollection: true) / 1e6:0} MB");

            var hops = new List<int>();
            var queried = new List<int>();
            var ms = new List<double>();
            for (var i = 0; i < lookups; i++)
            {
                var asker = nodes[random.Next(nodes.Count)];
                var started = Stopwatch.GetTimestamp();
                var stats = await asker.Dht.GetClosestPeersAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                hops.Add(stats.Hops);
                queried.Add(stats.Queried);
            }

            Console.WriteLine($"FIND_NODE lookup: hops {Describe(hops)}; peers queried {Describe(queried)}; latency ms {Describe(ms)} (log2 N = {Math.Log2(count):0.0})");
        }
        finally
        {
            foreach (var (host, dht) in nodes)
            {
                await dht.DisposeAsync();
                await host.DisposeAsync();
            }
        }

        return 0;
    }

    private static string Describe<T>(List<T> values)
        where T : IConvertible
    {
        double P(double q) => Quantiles.Of(values, q);
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {P(0.5):0.##}, p90 {P(0.9):0.##}, p99 {P(0.99):0.##}, max {P(1):0.##}, mean {values.Average(v => v.ToDouble(CultureInfo.InvariantCulture)):0.##}");
    }

    private static double EntryBytes()
    {
        var self = PrivateKey.Generate().PeerId;
        var peers = Enumerable.Range(0, 10_000).Select(_ => PrivateKey.Generate().PeerId).ToList();
        var address = new[] { Multiaddr.Parse("/memory/1") };
        var options = new KadDhtOptions { K = 256 };
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var table = new RoutingTable(self, options);
        var empty = GC.GetTotalMemory(forceFullCollection: true);
        var added = peers.Count(p => table.TryAdd(p, address, out _) == AddResult.Added);
        var full = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(table);
        _ = before;
        return (full - empty) / (double)added; // entry + its place in a bucket list; the PeerId itself is shared with the caller
    }

    private static async Task<(CastoHost Host, KadDht Dht)> StartAsync(MemoryNetwork network)
    {
        var key = PrivateKey.Generate();
        var options = new HostOptions { Identity = key, MaxConnections = 4096, MaxPeerStoreEntries = 8192 };
        options.Transports.Add(new MemoryTransport(network));
        options.SecureChannels.Add(new NoiseSecureChannel(key));
        options.Muxers.Add(new YamuxMuxer(new YamuxOptions { MemoryPool = new Casto.Stack.Buffers.BlockMemoryPool(4096, 64) })); // one small-block pool per host
        options.ListenAddresses.Add(Multiaddr.Parse("/memory/0"));
        var host = await CastoHost.StartAsync(options);
        var identify = IdentifyService.Register(host);
        return (host, KadDht.Create(host, new KadDhtOptions(), identify));
    }
}
