using Casto.Relay.Tree;
using Casto.Stack.Identity;

namespace Casto.Relay.Tests.Tree;

/// <summary>
/// The room lists merge up the tree: a node tells its parent the shallowest room anywhere in its subtree, so the root
/// can redirect a joiner there in one hop; <c>same_room</c> leaves an unchanged list out of a heartbeat.
/// </summary>
public sealed class RoomListTests
{
    [Fact]
    public void A_node_reports_the_shallowest_room_in_its_whole_subtree_not_only_its_children()
    {
        var position = new TreePosition("s", PeerIdOf());
        position.SetRoot();
        TreeChild full = Add(position), roomy = Add(position);
        full.Free = 0;
        roomy.Free = 1;
        TreeCandidate deep = new(PeerIdOf(), [], Depth: 5, Free: 2), shallower = new(PeerIdOf(), [], Depth: 3, Free: 1);
        full.WithRoom = [deep, shallower, shallower with { Free = 0 }];

        List<TreeCandidate> room = position.ChildrenWithRoom(8);

        Assert.Equal([roomy.PeerId, shallower.PeerId, deep.PeerId], room.Select(c => c.PeerId));
        Assert.Equal([1, 3, 5], room.Select(c => c.Depth));
        Assert.Single(position.ChildrenWithRoom(1));
        Assert.Equal([roomy.PeerId, shallower.PeerId, deep.PeerId, full.PeerId], position.RedirectTargets(16).Select(c => c.PeerId));
    }

    [Fact]
    public void An_unchanged_room_list_is_left_out_until_every_tenth_heartbeat_and_a_change_is_sent_at_once()
    {
        var sent = new RoomSent();
        TreeCandidate a = new(PeerIdOf(), [], 3, 1);
        var full = Enumerable.Range(0, 12).Select(_ => !sent.Unchanged([a])).ToArray();
        Assert.Equal([0, 10], full.Select((f, i) => (f, i)).Where(x => x.f).Select(x => x.i));

        Assert.False(sent.Unchanged([a with { Free = 2 }])); // new room: sent
        Assert.True(sent.Unchanged([a with { Free = 2 }]));
        Assert.False(sent.Unchanged([])); // none left: an empty list is news too
        Assert.True(sent.Unchanged([]));
    }

    private static TreeChild Add(TreePosition position) =>
        position.TryAddChild(PeerIdOf(), [], capacity: 2, channel: new TreeChannel(null!, 1024), maxChildren: 2, now: 0)!;

    private static PeerId PeerIdOf()
    {
        using var key = PrivateKey.Generate();
        return key.PeerId;
    }
}
