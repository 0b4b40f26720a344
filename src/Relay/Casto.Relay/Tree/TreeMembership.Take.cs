using Casto.Relay.Forwarding;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>Dialling a candidate, and taking a parent that accepted us.</summary>
public sealed partial class TreeMembership
{
    /// <summary>
    /// Takes a candidate that accepted us (<paramref name="channel"/> is its control stream, owned from here): checks
    /// its path, pulls the media and lives with it as our parent. Lost when it went, HandedOff when it handed us off
    /// (or we moved on: its forwarding is kept until the next parent flows).
    /// </summary>
    private async Task<ParentOutcome> TakeAsync(
        TreeChannel channel, TreeCandidate candidate, Accept accept, long? lostAt, CancellationTokenSource joining, CancellationToken cancellationToken)
    {
        ITreeLink? session = null;
        PreviousParent? handedOff = null;
        try
        {
            PeerId[] path = TreeNode.FromWire(accept.Path, 64);
            if (path.Contains(_node.PeerId) || path.Length == 0 || !path[^1].Equals(candidate.PeerId))
            {
                await channel.WriteAsync(new TreeMessage { Leave = new Leave() }, joining.Token).ConfigureAwait(false);
                throw new TreeException(TreeError.Cycle, "The candidate is our descendant (or sent a path not ending with itself).");
            }

            // Nodes of one epoch carry the root's numbering: the new parent continues the old one's (no rebase downstream).
            ulong epoch = accept.Epoch;
            bool continues = epoch != 0 && epoch == _position.InputEpoch;
            session = await _node.Media.PullAsync(Stream, async (offer, ct) =>
            {
                var description = new SessionDescription { Sdp = offer };
                if (continues && _node.Media.ResumePoint(Stream) is var resume)
                {
                    (description.ResumeVideo, description.ResumeAudio) = (resume.Video ?? 0, resume.Audio ?? 0);
                    if (resume.Video is null)
                    {
                        description.ClearResumeVideo();
                    }

                    if (resume.Audio is null)
                    {
                        description.ClearResumeAudio();
                    }
                }

                await channel.WriteAsync(new TreeMessage { Offer = description }, ct).ConfigureAwait(false);
                return (await channel.ExpectAsync(TreeMessage.BodyOneofCase.Answer, ct).ConfigureAwait(false)).Answer.Sdp;
            }, continues, joining.Token).ConfigureAwait(false);
            var at = new ParentPosition((int)Math.Min(accept.Depth, 1000), path, Candidates(accept.Ancestors, nearest: true), epoch);
            handedOff = await LiveWithParentAsync(channel, candidate, session, at, lostAt, joining.Token, cancellationToken).ConfigureAwait(false);
            return handedOff is not null ? ParentOutcome.HandedOff : ParentOutcome.Lost;
        }
        finally
        {
            if (handedOff is not null && !cancellationToken.IsCancellationRequested)
            {
                // Make-before-break: the leaving parent keeps forwarding (and we heartbeating) until the next parent's stream flows.
                await EndPreviousAsync().ConfigureAwait(false);
                Volatile.Write(ref _previous, handedOff);
            }
            else
            {
                if (handedOff is not null)
                {
                    await handedOff.StopAsync().ConfigureAwait(false);
                }

                await channel.DisposeAsync().ConfigureAwait(false);
                if (session is not null)
                {
                    await _node.EndQuietlyAsync(session).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// A connection to <paramref name="candidate"/> (see <see cref="ConnectAsync"/>), and whether we opened it for this
    /// (or a probe did).
    /// </summary>
    private async ValueTask<(PeerConnection Connection, bool Dialled)> DialCandidateAsync(TreeCandidate candidate, CancellationToken cancellationToken)
    {
        Log.Asking(_node.Logger, Stream, candidate.PeerId, candidate.Depth, candidate.Free);
        bool probed = TakeProbeOpened(candidate.PeerId); // a probe opened it for this walk: ours to close, as if dialled now
        (PeerConnection connection, bool opened) = await ConnectAsync(candidate, cancellationToken).ConfigureAwait(false);
        return (connection, opened || probed);
    }

    /// <summary>
    /// The open connection to <paramref name="candidate"/>, or a new dial (its addresses added to the peer store first)
    /// whose handshake time goes to the round-trip cache as an estimate; <c>Opened</c> for a new dial.
    /// </summary>
    private async ValueTask<(PeerConnection Connection, bool Opened)> ConnectAsync(TreeCandidate candidate, CancellationToken cancellationToken)
    {
        _node.Host.PeerStore.AddAddresses(candidate.PeerId, candidate.Addresses);
        if (_node.Host.FindConnection(candidate.PeerId) is { } connection)
        {
            return (connection, false);
        }

        TimeProvider time = _node.Options.TimeProvider;
        long started = time.GetTimestamp();
        connection = await _node.Host.DialAsync(candidate.PeerId, cancellationToken).ConfigureAwait(false);
        _node.Rtts.RecordHandshake(candidate.PeerId, time.GetElapsedTime(started));
        return (connection, true);
    }
}
