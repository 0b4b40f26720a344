using Casto.Relay.Tree;
using Casto.Stack.Identity;

namespace Casto.Relay.Tests.Tree;

public sealed class ParentRankingTests
{
    private static readonly PeerId Self = PeerIdOf();

    [Fact]
    public void ShallowestWithRoomFirstThenMostRoomThenTheFullOnesThenTheUnknown()
    {
        var full = Candidate(depth: 0, free: 0);
        var deep = Candidate(depth: 2, free: 2);
        var shallow = Candidate(depth: 1, free: 1);
        var roomy = Candidate(depth: 1, free: 3);
        var unknown = Candidate(depth: int.MaxValue, free: -1);
        var ranked = ParentRanking.Rank([full, deep, unknown, shallow, roomy], Self, new HashSet<PeerId>());
        Assert.Equal([roomy, shallow, deep, full, unknown], ranked);
    }

    [Fact]
    public void KnownDepthWithUnknownRoomGoesInTheOrderLearntSoTheNearestAncestorComesBeforeTheRoot()
    {
        // After a loss the membership learns [grandparent, ..., root] with unknown room: the warm grandparent is asked
        // first, not the root (which would only redirect us down again).
        var grandparent = Candidate(depth: 3, free: -1);
        var root = Candidate(depth: 0, free: -1);
        var full = Candidate(depth: 1, free: 0);
        var room = Candidate(depth: 4, free: 1);
        var seed = Candidate(depth: int.MaxValue, free: 2);
        var ranked = ParentRanking.Rank([seed, grandparent, root, full, room], Self, new HashSet<PeerId>());
        Assert.Equal([room, grandparent, root, full, seed], ranked);
    }

    [Fact]
    public void NeverOurselvesOurChildrenOrTheSamePeerTwice()
    {
        var child = Candidate(depth: 1, free: 2);
        var other = Candidate(depth: 1, free: 1);
        var selfCandidate = new TreeCandidate(Self, [], 0, 5);
        var ranked = ParentRanking.Rank([selfCandidate, child, other, other with { Free = 9 }], Self, new HashSet<PeerId> { child.PeerId });
        Assert.Equal([other], ranked);
    }

    private static TreeCandidate Candidate(int depth, int free) => new(PeerIdOf(), [], depth, free);

    private static PeerId PeerIdOf()
    {
        using var key = PrivateKey.Generate();
        return key.PeerId;
    }
}
