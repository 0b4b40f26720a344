using System.Diagnostics;
using Casto.Relay.Tree;
using Casto.Stack.Identity;
using Xunit.Abstractions;

namespace Casto.Relay.Tests.Tree;

/// <summary>
/// A broadcaster that crashes and restarts is picked up again within 2 s (the library's default retry pause, 1 s at
/// most): with the same key and port its orphans find it among the candidates they kept; with a new identity, through
/// discovery (<see cref="TreeMembership.AddCandidates"/>, what a signal room or mDNS calls), which ends their pause.
/// </summary>
[Collection(TreeHarness.Collection)]
public sealed class TreeRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PickedUpWithin = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ARestartedBroadcasterWithTheSameKeyAndPortIsTakenBackByItsOrphans()
    {
        await using var tree = new TreeHarness { DefaultRetries = true };
        using var key = PrivateKey.Generate();
        byte[] identity = key.ToProtobuf();
        var root = await tree.StartRootAsync(maxChildren: 2, PrivateKey.FromProtobuf(identity));
        int port = int.Parse(root.Host.ListenAddresses[0].ValueOf(Casto.Stack.Multiaddrs.MultiaddrProtocol.Tcp)!, System.Globalization.CultureInfo.InvariantCulture);
        var nodes = await FormAsync(tree);

        await root.DisposeAsync(); // a crash: no hand-off
        await TreeHarness.WaitUntilAsync(() => nodes.Where(n => n.Status.Depth == 1).All(n => n.Status.Parent is null), what: "the orphans notice");
        await Task.Delay(1500); // their pauses between rounds have grown to the maximum

        await tree.StartRootAsync(maxChildren: 2, PrivateKey.FromProtobuf(identity), port); // publishing: it can take children
        var restarted = Stopwatch.StartNew();
        await AllReceiveAgainAsync(nodes, restarted, "the broadcaster restarted on the same key and port");
    }

    [Fact]
    public async Task ARestartedBroadcasterFoundThroughDiscoveryIsTakenAtOnce()
    {
        await using var tree = new TreeHarness { DefaultRetries = true };
        var root = await tree.StartRootAsync(maxChildren: 2);
        var nodes = await FormAsync(tree);

        await root.DisposeAsync();
        await TreeHarness.WaitUntilAsync(() => nodes.Where(n => n.Status.Depth == 1).All(n => n.Status.Parent is null), what: "the orphans notice");
        await Task.Delay(1500);

        var again = await tree.StartRootAsync(maxChildren: 2); // a new identity and port: only discovery knows it
        var restarted = Stopwatch.StartNew();
        foreach (var n in nodes)
        {
            n.Membership!.AddCandidates([again.Tree.AsCandidate(TreeHarness.Stream)]);
        }

        await AllReceiveAgainAsync(nodes, restarted, "the broadcaster restarted as a new peer");
        Assert.All(nodes.Where(n => n.Status.Depth == 1), n => Assert.Equal(again.PeerId, n.Status.Parent));
    }

    /// <summary>Four nodes under a fan-out-2 root: two at depth 1, two at depth 2, all receiving.</summary>
    private static async Task<List<TreeHarness.Node>> FormAsync(TreeHarness tree)
    {
        var nodes = new List<TreeHarness.Node>();
        for (int i = 0; i < 4; i++)
        {
            nodes.Add(await tree.JoinAsync(maxChildren: 2, i < 2 ? [] : [.. nodes]));
            var last = nodes[^1];
            await TreeHarness.WaitUntilAsync(() => last.Status.Parent is not null && last.PacketsIn > 10, what: $"node {i} receives");
        }

        return nodes;
    }

    private async Task AllReceiveAgainAsync(List<TreeHarness.Node> nodes, Stopwatch restarted, string what)
    {
        long[] before = [.. nodes.Select(n => n.PacketsIn)];
        var took = new TimeSpan?[nodes.Count];
        await TreeHarness.WaitUntilAsync(() =>
        {
            for (int i = 0; i < nodes.Count; i++)
            {
                if (took[i] is null && nodes[i].PacketsIn > before[i] + 5)
                {
                    took[i] = restarted.Elapsed;
                }
            }

            return took.All(t => t is not null);
        }, TimeSpan.FromSeconds(20), () => $"{what}: {took.Count(t => t is not null)} of {nodes.Count} receive again");
        output.WriteLine($"{what}: receiving again after {string.Join(", ", took.Select(t => $"{t!.Value.TotalMilliseconds:F0} ms"))}");
        Assert.All(took, t => Assert.True(t < PickedUpWithin, $"{what}: a node received again only after {t!.Value.TotalMilliseconds:F0} ms"));
    }
}
