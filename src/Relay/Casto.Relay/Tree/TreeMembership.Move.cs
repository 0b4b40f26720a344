using Casto.Relay.Tree.Wire;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>
/// Rebalancing. Crashes leave orphans that rejoin wherever their walk finds room, their subtrees with them, so the tree
/// grows deep while shallower places open. A node two or more levels deeper than the shallowest room in the whole tree
/// (the root's <c>room_depth</c>, told down in heartbeats as <c>tree_room_depth</c>) looks for a better place now and
/// then: it walks from the root down redirects, asking only nodes that would put it higher. On an Accept it moves
/// make-before-break, as on a hand-off: the old parent forwards until the new one's stream flows. Its subtree comes along.
/// </summary>
public sealed partial class TreeMembership
{
    /// <summary>Nodes asked on one walk for a better place.</summary>
    private const int MaxMoveAsks = 8;

    private Move? _move; // a better place that accepted us, for the join loop to take

    /// <summary>A candidate that accepted us while we had a parent: its connection (closed after unless we opened it for something else) and control stream.</summary>
    private sealed record Move(PeerConnection Connection, bool Dialled, TreeChannel Channel, TreeCandidate Candidate, Accept Accept);

    /// <summary>
    /// While we live with a parent: every <see cref="TreeNodeOptions.RebalanceInterval"/> (jittered; doubling up to 8×
    /// while nothing better is found), if we sit too deep, a walk for a better place; <paramref name="moving"/> when one
    /// accepted us (it is left in <see cref="_move"/>).
    /// </summary>
    private async Task MoveUpWhenDeepAsync(Action moving, CancellationToken cancellationToken)
    {
        TreeNodeOptions options = _node.Options;
        TimeSpan interval = options.RebalanceInterval;
        if (interval == TimeSpan.Zero)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(interval * (0.5 + Random.Shared.NextDouble()), options.TimeProvider, cancellationToken).ConfigureAwait(false);
                if (!TooDeep(out int depth))
                {
                    interval = options.RebalanceInterval;
                    continue;
                }

                if (await FindBetterAsync(depth, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    Log.MovingUp(_node.Logger, Stream, depth, (int)Math.Min(found.Accept.Depth, 1000) + 1, found.Candidate.PeerId);
                    Move? old;
                    lock (_gate)
                    {
                        (old, _move) = (_move, found);
                    }

                    await DropAsync(old).ConfigureAwait(false);
                    moving();
                    return;
                }

                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, options.RebalanceInterval.Ticks * 8));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Two or more levels below the tree's shallowest room, with no hand-off under way.</summary>
    private bool TooDeep(out int depth)
    {
        depth = _position.Depth;
        return _position.TreeRoomDepth is { } room && depth >= room + 2 && !_position.Leaving && Volatile.Read(ref _previous) is null;
    }

    /// <summary>From the root down redirects, asking only nodes that would put us shallower than <paramref name="depth"/>; an Accept there, or null.</summary>
    private async Task<Move?> FindBetterAsync(int depth, CancellationToken cancellationToken)
    {
        IReadOnlyList<PeerId> path = _position.Path;
        IReadOnlyList<TreeCandidate> ancestors = _position.Ancestors;
        if (path.Count == 0 || ancestors.Count == 0)
        {
            return null;
        }

        var asked = new HashSet<PeerId>(_position.ChildIds()) { _node.PeerId };
        if (_position.Parent is { } parent)
        {
            asked.Add(parent);
        }

        // The root (its addresses are in the peer store when we ever dialled it), else our shallowest known ancestor.
        List<TreeCandidate> next = [new TreeCandidate(path[0], [], 0), ancestors[0]];
        int asks = 0;
        while (asks < MaxMoveAsks && next.Count > 0)
        {
            TreeCandidate candidate = next[0];
            next.RemoveAt(0);
            if (!asked.Add(candidate.PeerId) || candidate.Depth + 1 >= depth)
            {
                continue;
            }

            asks++;

            try
            {
                (Move? accepted, TreeCandidate[]? redirect) = await AskForMoveAsync(candidate, depth, cancellationToken).ConfigureAwait(false);
                if (accepted is not null)
                {
                    return accepted;
                }

                if (redirect is not null)
                {
                    // The latest redirect knows best: its targets that would put us higher, ranked, then what was left.
                    var better = redirect.Where(c => c.Depth + 1 < depth && !asked.Contains(c.PeerId)).ToList();
                    next = [.. ParentRanking.Rank(better, _node.PeerId, asked, _node.Rtts.Of(better.Select(c => c.PeerId))), .. next]; // known round trips break ties, no probe
                }
            }
            catch (Exception ex) when (IsJoinFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                Log.CandidateFailed(_node.Logger, Stream, candidate.PeerId, ex.Message);
            }
        }

        return null;
    }
}
