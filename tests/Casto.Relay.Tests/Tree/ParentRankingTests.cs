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

    [Fact]
    public void EqualCandidatesGoNearestFirstAndAnUnknownRoundTripAfterTheKnownOnes()
    {
        var unknown = Candidate(depth: 1, free: 2);
        var far = Candidate(depth: 1, free: 2);
        var near = Candidate(depth: 1, free: 2);
        var rtts = new Dictionary<PeerId, TimeSpan> { [far.PeerId] = TimeSpan.FromMilliseconds(60), [near.PeerId] = TimeSpan.FromMilliseconds(2) };
        var ranked = ParentRanking.Rank([unknown, far, near], Self, new HashSet<PeerId>(), rtts);
        Assert.Equal([near, far, unknown], ranked);
        Assert.Equal([unknown, far, near], ParentRanking.Rank([unknown, far, near], Self, new HashSet<PeerId>())); // no RTTs: the order learnt
    }

    [Fact]
    public void DepthAndRoomStillComeBeforeTheRoundTrip()
    {
        var nearButDeep = Candidate(depth: 2, free: 2);
        var nearButFull = Candidate(depth: 0, free: 0);
        var nearUnknownRoom = Candidate(depth: 1, free: -1);
        var nearUnknownDepth = Candidate(depth: int.MaxValue, free: 2);
        var far = Candidate(depth: 1, free: 1);
        var nearer = Candidate(depth: 1, free: 1);
        var rtts = new[] { nearButDeep, nearButFull, nearUnknownRoom, nearUnknownDepth }.ToDictionary(c => c.PeerId, _ => TimeSpan.FromMilliseconds(1));
        rtts[far.PeerId] = TimeSpan.FromMilliseconds(80);
        rtts[nearer.PeerId] = TimeSpan.FromMilliseconds(40);
        var ranked = ParentRanking.Rank([nearButFull, nearButDeep, nearUnknownRoom, nearUnknownDepth, far, nearer], Self, new HashSet<PeerId>(), rtts);
        Assert.Equal([nearer, far, nearButDeep, nearButFull, nearUnknownRoom, nearUnknownDepth], ranked);
    }

    [Fact]
    public void TheRoundTripComesBeforeFreeRoomAtEqualDepth()
    {
        var roomyFar = Candidate(depth: 1, free: 3);
        var near = Candidate(depth: 1, free: 1);
        var rtts = new Dictionary<PeerId, TimeSpan> { [roomyFar.PeerId] = TimeSpan.FromMilliseconds(50), [near.PeerId] = TimeSpan.FromMilliseconds(5) };
        Assert.Equal([near, roomyFar], ParentRanking.Rank([roomyFar, near], Self, new HashSet<PeerId>(), rtts));
    }

    [Fact]
    public void RoundTripsDoNotChangeTheRecoveryOrder()
    {
        // After a loss the ancestors come with unknown room, nearest first: a nearer root must not jump ahead of the grandparent.
        var grandparent = Candidate(depth: 3, free: -1);
        var root = Candidate(depth: 0, free: -1);
        var rtts = new Dictionary<PeerId, TimeSpan> { [grandparent.PeerId] = TimeSpan.FromMilliseconds(90), [root.PeerId] = TimeSpan.FromMilliseconds(1) };
        Assert.Equal([grandparent, root], ParentRanking.Rank([grandparent, root], Self, new HashSet<PeerId>(), rtts));
    }

    private static TreeCandidate Candidate(int depth, int free) => new(PeerIdOf(), [], depth, free);

    private static PeerId PeerIdOf()
    {
        using var key = PrivateKey.Generate();
        return key.PeerId;
    }
}
