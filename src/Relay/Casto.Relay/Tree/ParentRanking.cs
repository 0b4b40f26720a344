using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>
/// Which candidate parent to try first: never ourselves or one of our children (deeper descendants are caught by the
/// path check on Accept, and refused by them); nodes of known depth with room, then those known to be full (they
/// redirect toward the shallowest room below them), then those of unknown depth (a seed or a room member, which may sit
/// anywhere: taking one first would put us deep while shallower room exists). Nodes with room and unknown ones go
/// shallowest first (the tree stays balanced: a node joins at the first level with room), then most free room, then
/// the order they were learnt in; full ones in the order learnt (newest first: the walk follows the latest redirect
/// down). Pure.
/// </summary>
internal static class ParentRanking
{
    public static List<TreeCandidate> Rank(IEnumerable<TreeCandidate> candidates, PeerId self, IReadOnlySet<PeerId> descendants)
    {
        var seen = new HashSet<PeerId>();
        var ranked = new List<(TreeCandidate Candidate, int Order)>();
        int order = 0;
        foreach (TreeCandidate c in candidates)
        {
            if (c.PeerId.Equals(self) || descendants.Contains(c.PeerId) || !seen.Add(c.PeerId))
            {
                continue;
            }

            ranked.Add((c, order++));
        }

        ranked.Sort((a, b) =>
        {
            int byRoom = Group(a.Candidate).CompareTo(Group(b.Candidate));
            if (byRoom != 0)
            {
                return byRoom;
            }

            if (Group(a.Candidate) == 1)
            {
                return a.Order.CompareTo(b.Order); // full nodes: the latest redirect's first (it points at the shallowest room)
            }

            int byDepth = a.Candidate.Depth.CompareTo(b.Candidate.Depth);
            if (byDepth != 0)
            {
                return byDepth;
            }

            int byFree = b.Candidate.Free.CompareTo(a.Candidate.Free);
            return byFree != 0 ? byFree : a.Order.CompareTo(b.Order);
        });
        return ranked.ConvertAll(r => r.Candidate);
    }

    private static int Group(TreeCandidate c) => c.Depth == int.MaxValue ? 2 : c.Free == 0 ? 1 : 0;
}
