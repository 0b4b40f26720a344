using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>
/// Which candidate parent to try first: never ourselves or one of our children (deeper descendants are caught by the
/// path check on Accept, and refused by them). Three groups: (0) nodes known to have room, shallowest first (the tree
/// stays balanced: a node joins at the first level with room), then most free room, then the order learnt; (1) nodes
/// of known depth whose room is none or unknown (full ones redirect toward the shallowest room below them; ancestors
/// and stale reports have unknown room), in the order learnt, newest first: the walk follows the latest redirect down,
/// and after a loss the nearest ancestor comes before the root; (2) nodes of unknown depth (a seed or a room member,
/// which may sit anywhere: taking one first would put us deep while shallower room exists), in the order learnt.
/// Round trips (<c>rtts</c>: from probes, dial handshakes and heartbeats; see <see cref="RttCache"/>) only break ties within
/// group 0: at equal depth the nearer comes first, a known round trip before an unknown one, before free room and the
/// order learnt. Groups 1 and 2 ignore them, so recovery after a loss keeps its order (nearest ancestor first). Pure.
/// </summary>
internal static class ParentRanking
{
    public static List<TreeCandidate> Rank(
        IEnumerable<TreeCandidate> candidates, PeerId self, IReadOnlySet<PeerId> descendants, IReadOnlyDictionary<PeerId, TimeSpan>? rtts = null)
    {
        var seen = new HashSet<PeerId>();
        var ranked = new List<(TreeCandidate Candidate, int Order, TimeSpan? Rtt)>();
        int order = 0;
        foreach (TreeCandidate c in candidates)
        {
            if (c.PeerId.Equals(self) || descendants.Contains(c.PeerId) || !seen.Add(c.PeerId))
            {
                continue;
            }

            ranked.Add((c, order++, rtts is not null && rtts.TryGetValue(c.PeerId, out TimeSpan rtt) ? rtt : null));
        }

        ranked.Sort((a, b) =>
        {
            int group = Group(a.Candidate);
            int byGroup = group.CompareTo(Group(b.Candidate));
            if (byGroup != 0)
            {
                return byGroup;
            }

            if (group != 0)
            {
                return a.Order.CompareTo(b.Order);
            }

            int byDepth = a.Candidate.Depth.CompareTo(b.Candidate.Depth);
            if (byDepth != 0)
            {
                return byDepth;
            }

            int byRtt = (a.Rtt, b.Rtt) switch
            {
                ({ } x, { } y) => x.CompareTo(y),
                (null, null) => 0,
                (null, _) => 1, // unknown after known
                _ => -1,
            };
            if (byRtt != 0)
            {
                return byRtt;
            }

            int byFree = b.Candidate.Free.CompareTo(a.Candidate.Free);
            return byFree != 0 ? byFree : a.Order.CompareTo(b.Order);
        });
        return ranked.ConvertAll(r => r.Candidate);
    }

    private static int Group(TreeCandidate c) => c.Depth == int.MaxValue ? 2 : c.Free > 0 ? 0 : 1;
}
