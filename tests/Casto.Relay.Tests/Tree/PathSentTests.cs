using Casto.Relay.Tree;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Relay.Tests.Tree;

/// <summary>Heartbeats leave the path out while it is unchanged (<c>same_path</c>), and carry it at least once a second.</summary>
public sealed class PathSentTests
{
    [Fact]
    public void The_path_is_sent_first_then_left_out_then_sent_again_every_tenth_heartbeat()
    {
        var sent = new PathSent();
        IReadOnlyList<PeerId> path = [PeerIdOf(), PeerIdOf()];
        IReadOnlyList<TreeCandidate> ancestors = [new(path[0], [], 0)];

        var full = Enumerable.Range(0, 25).Select(_ => !sent.Unchanged(path, ancestors, epoch: 7)).ToArray();

        Assert.Equal([0, 10, 20], full.Select((f, i) => (f, i)).Where(x => x.f).Select(x => x.i));
    }

    [Fact]
    public void A_new_path_a_new_ancestor_list_or_a_new_epoch_is_sent_at_once()
    {
        var sent = new PathSent();
        IReadOnlyList<PeerId> path = [PeerIdOf()];
        IReadOnlyList<TreeCandidate> ancestors = [new(path[0], [], 0)];
        Assert.False(sent.Unchanged(path, ancestors, 1));
        Assert.True(sent.Unchanged(path, ancestors, 1));

        Assert.False(sent.Unchanged([.. path], ancestors, 1));
        Assert.False(sent.Unchanged(path, [.. ancestors], 1));
        Assert.False(sent.Unchanged(path, ancestors, 2));
        Assert.True(sent.Unchanged(path, ancestors, 2));
    }

    [Fact]
    public void A_position_keeps_its_lists_when_a_heartbeat_repeats_them_so_its_children_hear_same_path()
    {
        PeerId self = PeerIdOf(), root = PeerIdOf(), parent = PeerIdOf();
        var position = new TreePosition("s", self);
        var addresses = new[] { Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001") };
        TreeCandidate parentCandidate = new(parent, addresses, 1);
        position.SetParent(parentCandidate, 1, [root, parent], [new TreeCandidate(root, addresses, 0)], epoch: 5);
        (IReadOnlyList<PeerId> path, IReadOnlyList<TreeCandidate> ancestors) = (position.Path, position.Ancestors);

        position.SetParent(parentCandidate, 1, [root, parent], [new TreeCandidate(root, [Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001")], 0)], epoch: 5);
        Assert.Same(path, position.Path);
        Assert.Same(ancestors, position.Ancestors);

        position.SetParent(parentCandidate, 1, [root, parent], [new TreeCandidate(root, [Multiaddr.Parse("/ip4/127.0.0.1/tcp/4002")], 0)], epoch: 5);
        Assert.Same(path, position.Path);
        Assert.NotSame(ancestors, position.Ancestors); // the root moved: told down

        PeerId other = PeerIdOf();
        position.SetParent(new TreeCandidate(other, addresses, 1), 1, [root, other], [new TreeCandidate(root, addresses, 0)], epoch: 5);
        Assert.NotSame(path, position.Path);
        Assert.Equal([root, other, self], position.Path);
    }

    private static PeerId PeerIdOf()
    {
        using var key = PrivateKey.Generate();
        return key.PeerId;
    }
}
