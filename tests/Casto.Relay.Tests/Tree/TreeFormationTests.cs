using Casto.Relay.Tree;
using Xunit.Abstractions;

namespace Casto.Relay.Tests.Tree;

/// <summary>Trees over real loopback sockets: libp2p control (TCP, Noise, Yamux), WebRTC media.</summary>
public sealed class TreeFormationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SevenNodesWithFanOutTwoFormTwoFullLevelsAndAllReceive()
    {
        await using var tree = new TreeHarness();
        var root = await tree.StartRootAsync(maxChildren: 2);
        var joiners = new List<TreeHarness.Node>();
        for (int i = 0; i < 6; i++)
        {
            joiners.Add(await tree.JoinAsync(maxChildren: 2));
            var last = joiners[^1];
            await TreeHarness.WaitUntilAsync(() => last.Status.Parent is not null, what: $"joiner {i} has a parent");
        }

        // Depth ≤ ⌈log2 7⌉ = 3 for 7 nodes: here the levels fill in order (2 at depth 1, 4 at depth 2).
        Assert.Equal(2, joiners.Count(j => j.Status.Depth == 1));
        Assert.Equal(4, joiners.Count(j => j.Status.Depth == 2));
        Assert.Equal(2, root.Status.Children);
        Assert.All(joiners, j => Assert.InRange(j.Status.Children, 0, 2));

        long[] before = [.. joiners.Select(j => j.PacketsIn)];
        await TreeHarness.WaitUntilAsync(() => joiners.Select((j, i) => j.PacketsIn > before[i] + 30).All(x => x), what: "every node receives");
        foreach (var j in joiners)
        {
            var path = j.Status;
            Assert.Equal(0, path.ParentChanges);
        }
    }

    [Fact]
    public async Task ChildrenOfAKilledRelayFindANewParentAndReceiveAgain()
    {
        await using var tree = new TreeHarness();
        var root = await tree.StartRootAsync(maxChildren: 2);
        var a = await tree.JoinAsync(maxChildren: 2);
        await TreeHarness.WaitUntilAsync(() => a.Status.Depth == 1, what: "a at depth 1");
        var b = await tree.JoinAsync(maxChildren: 2);
        await TreeHarness.WaitUntilAsync(() => b.Status.Depth == 1, what: "b at depth 1");
        var c = await tree.JoinAsync(maxChildren: 2);
        await TreeHarness.WaitUntilAsync(() => c.Status.Depth == 2, what: "c at depth 2");
        var parent = c.Status.Parent == a.PeerId ? a : b;
        await TreeHarness.WaitUntilAsync(() => c.PacketsIn > 30, what: "c receives");

        await parent.DisposeAsync(); // no hand-off: its sockets just close
        await TreeHarness.WaitUntilAsync(() => c.Status.ParentChanges == 1 && c.Status.Recoveries.Count == 1, what: "c recovered");
        long after = c.PacketsIn;
        await TreeHarness.WaitUntilAsync(() => c.PacketsIn > after + 30, what: "c receives again");
        var other = parent == a ? b : a;
        Assert.Equal(other.PeerId, c.Status.Parent); // the root is full: redirected to the surviving relay
        Assert.Equal(2, c.Status.Depth);
        output.WriteLine($"recovered in {c.Status.Recoveries[0].TotalMilliseconds:F0} ms");
        Assert.InRange(c.Status.Recoveries[0], TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }
}
