using Casto.Relay.Tree.Wire;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>Rebalancing: one ask on the walk, and the join loop taking what accepted us.</summary>
public sealed partial class TreeMembership
{
    /// <summary>
    /// Asks <paramref name="candidate"/> to take us: a <see cref="Move"/> when it accepted us shallower than
    /// <paramref name="depth"/> (else we leave it at once), its targets when it redirected us, neither when it refused.
    /// </summary>
    private async Task<(Move? Accepted, TreeCandidate[]? Redirect)> AskForMoveAsync(TreeCandidate candidate, int depth, CancellationToken cancellationToken)
    {
        TreeNodeOptions options = _node.Options;
        using var timer = new CancellationTokenSource(options.JoinTimeout, options.TimeProvider);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        (PeerConnection connection, bool dialled) = await DialCandidateAsync(candidate, bound.Token).ConfigureAwait(false);
        TreeChannel? channel = null;
        Move? kept = null;
        try
        {
            StreamContext context = await connection.NewStreamAsync(TreeNode.Protocol, bound.Token).ConfigureAwait(false);
            channel = new TreeChannel(context.Stream, options.MaxMessageSize);
            TreeMessage reply = await AskAsync(channel, bound.Token).ConfigureAwait(false);
            switch (reply.BodyCase)
            {
                case TreeMessage.BodyOneofCase.Redirect:
                    return (null, Candidates(reply.Redirect.Candidates));
                case TreeMessage.BodyOneofCase.Accept:
                    PeerId[] path = TreeNode.FromWire(reply.Accept.Path, 64);
                    bool ours = path.Contains(_node.PeerId); // our own subtree: never
                    if (!ours && reply.Accept.Depth + 1 < (uint)_position.Depth && _position.Parent is not null)
                    {
                        return (kept = new Move(connection, dialled, channel, candidate, reply.Accept), null);
                    }

                    await channel.WriteAsync(new TreeMessage { Leave = new Leave() }, bound.Token).ConfigureAwait(false);
                    return (null, null);
                default:
                    return (null, null);
            }
        }
        finally
        {
            if (kept is null)
            {
                if (channel is not null)
                {
                    await channel.DisposeAsync().ConfigureAwait(false);
                }

                if (dialled && !_node.IsNeighbour(candidate.PeerId))
                {
                    _ = CloseQuietlyAsync(connection);
                }
            }
        }
    }

    /// <summary>Takes the better place found while we had a parent, if any: NotTaken when there is none or it failed.</summary>
    private async Task<ParentOutcome> TakeMoveAsync(long? lostAt, CancellationToken cancellationToken)
    {
        Move? move;
        lock (_gate)
        {
            (move, _move) = (_move, null);
        }

        if (move is null)
        {
            return ParentOutcome.NotTaken;
        }

        TreeNodeOptions options = _node.Options;
        using var joinTimer = new CancellationTokenSource(options.JoinTimeout, options.TimeProvider);
        using var joining = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, joinTimer.Token);
        var outcome = ParentOutcome.NotTaken;
        try
        {
            return outcome = await TakeAsync(move.Channel, move.Candidate, move.Accept, lostAt, joining, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsJoinFailure(ex))
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Log.CandidateFailed(_node.Logger, Stream, move.Candidate.PeerId, ex.Message);
            }

            return ParentOutcome.NotTaken; // the loop stops when we are leaving
        }
        finally
        {
            if (move.Dialled && outcome != ParentOutcome.HandedOff && !_node.IsNeighbour(move.Candidate.PeerId))
            {
                _ = CloseQuietlyAsync(move.Connection);
            }
        }
    }

    /// <summary>A found place not taken (we left the tree, or a newer one was found): its stream and connection end.</summary>
    private async Task DropAsync(Move? move)
    {
        if (move is null)
        {
            return;
        }

        await move.Channel.DisposeAsync().ConfigureAwait(false);
        if (move.Dialled && !_node.IsNeighbour(move.Candidate.PeerId))
        {
            await CloseQuietlyAsync(move.Connection).ConfigureAwait(false);
        }
    }
}
