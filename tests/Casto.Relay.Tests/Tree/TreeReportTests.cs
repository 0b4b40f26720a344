using Casto.Relay.Tree;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Identity;
using Google.Protobuf;

namespace Casto.Relay.Tests.Tree;

/// <summary>Subtree reports (the broadcaster's /tree): breadth first across children, bounded, sizes counted past the bound.</summary>
public sealed class TreeReportTests
{
    [Fact]
    public void ChildrensReportsMergeBreadthFirstAndTheSizeCountsEveryNode()
    {
        var self = TreeReport.Self(NewId(), null, 0, 2, 2, 0);
        TreeChild a = Child(Report(1, 3)), b = Child(Report(1, 2));
        var (entries, size) = TreeReport.Build(self, [a, b], max: 100);
        Assert.Equal(1 + 3 + 2, size);
        Assert.Equal([0u, 1, 1, 2, 2, 2], entries.Select(e => e.Depth));
        Assert.Same(self, entries[0]);
    }

    [Fact]
    public void TheListStopsAtTheBoundButTheSizeDoesNot()
    {
        var self = TreeReport.Self(NewId(), null, 0, 2, 2, null);
        var (entries, size) = TreeReport.Build(self, [Child(Report(1, 300)), Child(Report(1, 300))], max: 256);
        Assert.Equal(256, entries.Count);
        Assert.Equal(601, size);
        Assert.Equal([1u, 1u], entries[1..3].Select(e => e.Depth)); // both children right after the root
        Assert.True(entries.Zip(entries.Skip(1)).All(p => p.First.Depth <= p.Second.Depth), "breadth first");
    }

    [Fact]
    public void EntriesWithBadIdsAreDroppedAndLatencyIsInMilliseconds()
    {
        Assert.Null(TreeReport.View(new NodeReport { PeerId = ByteString.CopyFromUtf8("not a multihash"), Depth = 1 }));
        var view = TreeReport.View(TreeReport.Self(NewId(), NewId(), 3, 1, 2, 12.5));
        Assert.Equal(12.5, view!.LatencyMs);
        Assert.Equal(3, view.Depth);
        Assert.NotNull(view.Parent);
        Assert.Null(view.RttMs);
        Assert.Equal(2.25, TreeReport.View(TreeReport.Self(NewId(), NewId(), 3, 1, 2, null, TimeSpan.FromMicroseconds(2250)))!.RttMs);
    }

    /// <summary>A child's report: itself at <paramref name="depth"/>, then <paramref name="count"/> − 1 nodes below it.</summary>
    private static NodeReport[] Report(int depth, int count) =>
        [.. Enumerable.Range(0, count).Select(i => TreeReport.Self(NewId(), NewId(), depth + (i == 0 ? 0 : 1 + (i / 4)), 0, 2, null))];

    private static TreeChild Child(NodeReport[] report) =>
        new(PeerId.FromBytes(report[0].PeerId.Span), [], 2, null!) { Subtree = (report, report.Length) };

    private static PeerId NewId()
    {
        using var key = PrivateKey.Generate();
        return key.PeerId;
    }
}
