using System.Diagnostics;
using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Xunit.Abstractions;

namespace Casto.Discovery.Tests.Kad;

/// <summary>The DHT under the host's connection manager: connections stay bounded, lookups still succeed.</summary>
public sealed class KadConnectionManagerTests(ITestOutputHelper output)
{
    private const int LowWater = 4;
    private const int HighWater = 8;

    [Fact]
    public async Task Thirty_nodes_with_a_small_high_watermark_keep_few_connections_and_still_find_peers_and_providers()
    {
        await using var network = new KadTestNetwork(configureHost: o =>
        {
            var manager = o.ConnectionManager;
            (manager.LowWater, manager.HighWater, manager.GracePeriod, manager.CheckInterval, manager.IdleTimeout)
                = (LowWater, HighWater, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(100), null);
        });
        await network.StartAsync(30);
        var peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = SamplePeakAsync(network, p => peak = Math.Max(peak, p), sampling.Token);
        var stream = KadKeys.ForStream("casto/live/connmgr");
        var provider = network.Nodes[10].Dht;
        Assert.True(await provider.ProvideAsync(stream) > 0);
        var misses = 0;
        await Parallel.ForEachAsync(network.Nodes, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (node, ct) =>
        {
            var found = false;
            await foreach (var p in node.Dht.FindProvidersAsync(stream, 1, null, ct))
            {
                found |= p.PeerId == provider.PeerId;
            }

            var target = network.Nodes[(network.Nodes.IndexOf(node) + 15) % network.Nodes.Count].Host;
            found &= (await node.Dht.FindPeerAsync(target.PeerId, null, ct))?.Addresses.Count > 0;
            Interlocked.Add(ref misses, found ? 0 : 1);
        });

        Assert.Equal(0, misses);
        var trimmed = network.Nodes.Sum(n => n.Host.TrimmedConnections);
        Assert.True(trimmed > 0, "the connection manager never trimmed");

        // Once the grace periods have passed, every host is back at or under the high watermark.
        var waited = Stopwatch.StartNew();
        while (network.Nodes.Max(n => n.Host.Connections.Count) > HighWater)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10),
                $"connections per host: {string.Join(' ', network.Nodes.Select(n => n.Host.Connections.Count))}");
            await Task.Delay(50);
        }

        await sampling.CancelAsync();
        await sampler;
        output.WriteLine($"trimmed {trimmed} connections in all; peak live connections on one host during the lookups {peak}; "
            + $"now {string.Join(' ', network.Nodes.Select(n => n.Host.Connections.Count))}");
    }

    /// <summary>Every 20 ms: the most connections not yet closing on any one host.</summary>
    private static async Task SamplePeakAsync(KadTestNetwork network, Action<int> report, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (host, _) in network.Nodes) // the list is complete before sampling starts
            {
                report(host.Connections.Count(c => !c.IsClosing));
            }

            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
