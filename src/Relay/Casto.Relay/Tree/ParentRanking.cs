using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>
/// Which candidate parent to try first: never ourselves or one of our children (deeper descendants are caught by the
/// path check on Accept, and refused by them); those with room before those known to be full (which only redirect); then shallowest first (the tree stays
/// balanced: a node joins at the first level with room), then most free room, then the order they were learnt in. Pure.
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
            int byRoom = (a.Candidate.Free == 0).CompareTo(b.Candidate.Free == 0);
            if (byRoom != 0)
            {
                return byRoom;
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
}
