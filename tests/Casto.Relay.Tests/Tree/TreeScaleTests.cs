using Xunit.Abstractions;

namespace Casto.Relay.Tests.Tree;

/// <summary>A tree of 30 nodes over real loopback sockets in this process, and relays killed at random in it.</summary>
[Collection(TreeHarness.Collection)]
public sealed class TreeScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThirtyNodesFormABalancedTreeEveryNodeReceivesAndSurvivorsRecoverFromKills()
    {
        const int fanOut = 2;
        await using var tree = new TreeHarness();
        var root = await tree.StartRootAsync(fanOut);
        var nodes = new List<TreeHarness.Node>();
        for (int i = 0; i < 29; i++)
        {
            nodes.Add(await tree.JoinAsync(fanOut)); // all seeded with the root only: redirects place them
        }

        await TreeHarness.WaitUntilAsync(() => nodes.All(n => n.Status.Parent is not null), TimeSpan.FromSeconds(60), "all 29 have a parent");
        // Depth ≤ ⌈log_f N⌉ + 1 for N = 30 nodes and fan-out f = 2: ⌈4.9⌉ + 1 = 6.
        int maxDepth = nodes.Max(n => n.Status.Depth);
        output.WriteLine($"depths: {string.Join(" ", nodes.GroupBy(n => n.Status.Depth).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"))}");
        Assert.InRange(maxDepth, 4, 6);
        Assert.All(nodes.Append(root), n => Assert.InRange(n.Status.Children, 0, fanOut));
        Assert.Equal(fanOut, root.Status.Children); // the broadcaster uploads fan-out × bitrate, however many watch

        long[] before = [.. nodes.Select(n => n.PacketsIn)];
        await TreeHarness.WaitUntilAsync(() => nodes.Select((n, i) => n.PacketsIn > before[i] + 60).All(x => x), TimeSpan.FromSeconds(30), "every node receives");

        // Kill 4 relays that have children, one after another; every survivor finds a parent and receives again.
        var random = new Random(7);
        for (int k = 0; k < 4; k++)
        {
            var relays = nodes.Where(n => !n.Disposed && n.Status.Children > 0).ToList();
            var victim = relays[random.Next(relays.Count)];
            await victim.DisposeAsync();
            var survivors = nodes.Where(n => !n.Disposed).ToList();
            await TreeHarness.WaitUntilAsync(() => survivors.All(n => n.Status.Parent is not null && !victim.PeerId.Equals(n.Status.Parent)), TimeSpan.FromSeconds(30), $"kill {k}: survivors have parents");
            long[] now = [.. survivors.Select(n => n.PacketsIn)];
            await TreeHarness.WaitUntilAsync(() => survivors.Select((n, i) => n.PacketsIn > now[i] + 30).All(x => x), TimeSpan.FromSeconds(30), () =>
                $"kill {k}: survivors receive; stuck: " + string.Join("; ", survivors.Where((n, i) => n.PacketsIn <= now[i] + 30).Select(n =>
                    $"{n.PeerId.ToString()[^6..]} depth {n.Status.Depth} parent {n.Status.Parent?.ToString()[^6..] ?? "none"} changes {n.Status.ParentChanges} in {n.PacketsIn} source {n.Forwarding.GetStream(TreeHarness.Stream)?.Source?.ConnectionState}")));
        }

        var recoveries = nodes.Where(n => !n.Disposed).SelectMany(n => n.Status.Recoveries).OrderBy(t => t).ToList();
        Assert.NotEmpty(recoveries);
        output.WriteLine($"recoveries: {recoveries.Count}, p50 {recoveries[recoveries.Count / 2].TotalMilliseconds:F0} ms, max {recoveries[^1].TotalMilliseconds:F0} ms");
        Assert.True(recoveries[recoveries.Count / 2] < TimeSpan.FromSeconds(1), "p50 recovery under 1 s");
        // Orphaned subtrees reattach whole wherever there is room, so the tree deepens after kills (up to 9 seen here);
        // moving deep nodes back up (rebalancing) is not built yet, so only "every survivor is in the tree" is asserted.
        output.WriteLine($"depths after the kills: {string.Join(" ", nodes.Where(n => !n.Disposed).GroupBy(n => n.Status.Depth).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"))}");
        Assert.All(nodes.Where(n => !n.Disposed), n => Assert.True(n.Status.Depth >= 1));
    }
}
