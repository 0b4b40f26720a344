using Casto.Relay.Tree;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Google.Protobuf;

namespace Casto.Relay.Tests.Tree;

/// <summary>The parent side against a hand-driven client: cycles, lies, floods, silence and garbage are bounded.</summary>
[Collection(TreeHarness.Collection)]
public sealed class TreeProtocolTests
{
    [Fact]
    public async Task ANodeOnTheParentsPathIsRefusedAsACycle()
    {
        await using var tree = new TreeHarness();
        var root = await tree.StartRootAsync();
        var a = await tree.JoinAsync();
        await TreeHarness.WaitUntilAsync(() => a.Status.Depth == 1, what: "a at depth 1");
        var b = await tree.JoinAsync(2, a);
        await TreeHarness.WaitUntilAsync(() => b.Status.Parent == a.PeerId, what: "b under a");

        // a asks its own child b to be its parent.
        var channel = await OpenAsync(a.Host, b);
        await channel.WriteAsync(Join("live"), default);
        var reply = await channel.ReadAsync(default);
        Assert.True(reply?.Refuse?.Reason == Refuse.Types.Reason.Cycle, $"{reply}");
        await channel.DisposeAsync();
    }

    [Fact]
    public async Task AnUnknownStreamIsRefusedAndAMalformedFrameEndsTheStreamOnly()
    {
        await using var tree = new TreeHarness();
        var root = await tree.StartRootAsync();
        await using var client = await TreeHarness.StartNodeAsync();
        var channel = await OpenAsync(client.Host, root);
        await channel.WriteAsync(Join("nope"), default);
        Assert.Equal(Refuse.Types.Reason.NoStream, (await channel.ReadAsync(default))?.Refuse?.Reason);
        await channel.DisposeAsync();

        // A frame announcing 1 MiB (over the 64 KiB limit): the node ends that stream, nothing else.
        var context = await client.Host.DialAsync(root.Host.ListenAddresses[0].WithPeerId(root.PeerId)).AsTask()
            .ContinueWith(t => t.Result.NewStreamAsync(TreeNode.Protocol).AsTask()).Unwrap();
        await context.Stream.Output.WriteAsync(new byte[] { 0x80, 0x80, 0x40, 1, 2, 3 });
        var read = await context.Stream.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(read.IsCompleted && read.Buffer.IsEmpty, "the node closed the stream without answering");
        await context.Stream.DisposeAsync();

        var joiner = await tree.JoinAsync();
        await TreeHarness.WaitUntilAsync(() => joiner.Status.Depth == 1, what: "a real joiner still gets in");
    }

    [Fact]
    public async Task AFloodOfSilentJoinersIsBoundedAndARealJoinerGetsInAfterIt()
    {
        await using var tree = new TreeHarness();
        var root = await tree.StartRootAsync();
        await using var flooder = await TreeHarness.StartNodeAsync();
        int limit = new TreeNodeOptions().MaxPendingJoins;
        var silent = new List<TreeChannel>();
        for (int i = 0; i < limit; i++)
        {
            silent.Add(await OpenAsync(flooder.Host, root)); // opened, never a Join
        }

        await Task.Delay(200); // let the node count them
        var extra = await OpenAsync(flooder.Host, root);
        Assert.Equal(Refuse.Types.Reason.Busy, (await extra.ReadAsync(default).AsTask().WaitAsync(TimeSpan.FromSeconds(10)))?.Refuse?.Reason);
        await extra.DisposeAsync();

        // The silent ones time out (JoinTimeout, 10 s in these tests) or go away; then joins work again.
        foreach (var c in silent)
        {
            await c.DisposeAsync();
        }

        var joiner = await tree.JoinAsync();
        await TreeHarness.WaitUntilAsync(() => joiner.Status.Depth == 1, what: "the joiner gets in");
    }

    [Fact]
    public async Task AJoinerSkipsACandidateThatNeverAnswersAndOneThatLiesAboutItsPath()
    {
        await using var tree = new TreeHarness();
        var root = await tree.StartRootAsync();
        await using var mute = await TreeHarness.StartNodeAsync();
        mute.Host.SetStreamHandler(TreeNode.Protocol, async (ctx, ct) => await Task.Delay(Timeout.Infinite, ct)); // reads nothing, says nothing
        await using var liar = await TreeHarness.StartNodeAsync();
        liar.Host.SetStreamHandler(TreeNode.Protocol, async (ctx, ct) =>
        {
            var channel = new TreeChannel(ctx.Stream, 65536);
            await channel.ReadAsync(ct);
            var accept = new Accept { Depth = 0, Epoch = 1 };
            accept.Path.Add(ByteString.CopyFrom(ctx.RemotePeer.Bytes)); // "you are my ancestor": a cycle, or a lie
            await channel.WriteAsync(new TreeMessage { Accept = accept }, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });

        var options = TreeHarness.Fast();
        options.JoinTimeout = TimeSpan.FromSeconds(1);
        var node = await TreeHarness.StartNodeAsync(options);
        await using var _ = node;
        var started = DateTime.UtcNow;
        // Ranked ahead of the root: both claim depth 0 with room.
        node.Membership = node.Tree.Join("live", [
            new TreeCandidate(mute.PeerId, mute.Host.ListenAddresses, 0, 5),
            new TreeCandidate(liar.PeerId, liar.Host.ListenAddresses, 0, 4),
            root.Tree.AsCandidate("live") with { Depth = 1, Free = 1 }]);
        await TreeHarness.WaitUntilAsync(() => node.Status.Parent == root.PeerId, what: "the joiner reaches the root");
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(8)); // one join timeout for the mute one, not forever
        await node.Membership.DisposeAsync();
    }

    private static TreeMessage Join(string stream) => new() { Join = new Join { Stream = stream, Capacity = 2 } };

    private static async Task<TreeChannel> OpenAsync(CastoHost from, TreeHarness.Node to)
    {
        var connection = await from.DialAsync(to.Host.ListenAddresses[0].WithPeerId(to.PeerId));
        var context = await connection.NewStreamAsync(TreeNode.Protocol);
        return new TreeChannel(context.Stream, 65536);
    }
}
