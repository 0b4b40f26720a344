using Casto.Relay.Tree;

namespace Casto.Relay.Tests.Tree;

/// <summary>The warm grandparent connection has no stream, so the host's connection manager would see it idle: it is protected.</summary>
[Collection(TreeHarness.Collection)]
public sealed class TreeWarmProtectionTests
{
    [Fact]
    public async Task TheWarmGrandparentIsProtectedWhileKeptAndUnprotectedWhenDropped()
    {
        await using var tree = new TreeHarness();
        var root = await tree.StartRootAsync(maxChildren: 1);
        var a = await tree.JoinAsync(maxChildren: 1);
        await TreeHarness.WaitUntilAsync(() => a.Status.Depth == 1, what: "a at depth 1");
        var c = await tree.JoinAsync(maxChildren: 1);
        await TreeHarness.WaitUntilAsync(() => c.Status.Depth == 2, what: "c at depth 2 under a");
        await TreeHarness.WaitUntilAsync(() => c.Host.FindConnection(root.PeerId) is not null, what: "c keeps the root warm");

        Assert.Equal(root.PeerId, c.Membership!.WarmPeer);
        Assert.True(c.Host.IsProtected(root.PeerId, TreeNode.WarmTag));
        Assert.False(c.Host.IsProtected(a.PeerId)); // the parent link carries the tree stream: no protection needed
        Assert.True(c.Host.FindConnection(a.PeerId)!.OpenStreams >= 1);

        await c.Membership.DisposeAsync();
        Assert.False(c.Host.IsProtected(root.PeerId));
    }
}
