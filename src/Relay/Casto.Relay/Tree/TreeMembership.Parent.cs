using Casto.Relay.Forwarding;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.WebRtc.PeerConnection;
using Google.Protobuf;

namespace Casto.Relay.Tree;

/// <summary>The join loop and the life with one parent.</summary>
public sealed partial class TreeMembership
{
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        TreeNodeOptions options = _node.Options;
        TimeSpan delay = options.RetryDelay;
        long? lostAt = null;
        int redirectRounds = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            // A better place found while we had a parent (rebalancing) is taken first; the old parent forwards until it flows.
            ParentOutcome outcome = await TakeMoveAsync(lostAt, cancellationToken).ConfigureAwait(false);
            if (outcome != ParentOutcome.NotTaken)
            {
                lostAt = outcome == ParentOutcome.Lost ? options.TimeProvider.GetTimestamp() : null;
                continue;
            }

            long version = LearnVersion;
            Task found = Found;
            bool redirected = false;
            List<TreeCandidate> round = Candidates(out bool first);
            if (!first)
            {
                round = await ProbeAsync(round, cancellationToken).ConfigureAwait(false); // the nearest of an equal few first
            }

            foreach (TreeCandidate candidate in round)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    outcome = await TryParentAsync(candidate, lostAt, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsJoinFailure(ex))
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    Log.CandidateFailed(_node.Logger, Stream, candidate.PeerId, ex.Message);
                }

                if (outcome == ParentOutcome.NotTaken && LearnVersion != version && redirectRounds < MaxRedirectRounds)
                {
                    redirected = true; // a redirect taught us better candidates: rank again now, not after the pause
                    break;
                }

                if (outcome != ParentOutcome.NotTaken)
                {
                    // A hand-off is no loss (the old parent forwards until the next flows); a loss is timed until media flows again.
                    lostAt = outcome == ParentOutcome.Lost ? options.TimeProvider.GetTimestamp() : null;
                    break; // rank again: the lost parent's ancestors (or the hand-off's targets) come first now
                }
            }

            if (redirected)
            {
                redirectRounds++;
                continue;
            }

            redirectRounds = 0;
            lock (_gate)
            {
                _redirectedBy.Clear(); // a new walk from the top after the pause (or after a parent)
            }

            if (outcome == ParentOutcome.NotTaken)
            {
                try
                {
                    // The pause ends early when discovery brings candidates (found during the round counts too).
                    await Task.WhenAny(Task.Delay(delay, options.TimeProvider, cancellationToken), found).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
            else
            {
                delay = options.RetryDelay;
            }
        }
    }

    /// <summary>What asking or taking a candidate throws when it fails (the loop goes on to the next).</summary>
    private static bool IsJoinFailure(Exception ex) => ex is IOException or TreeException or ForwardingException or HostException
        or PeerConnectionException or TimeoutException or FormatException or OperationCanceledException or ObjectDisposedException;

    /// <summary>At most 16 parsable candidates: the first ones, or with <paramref name="nearest"/> the last (a root-first ancestor list).</summary>
    internal static TreeCandidate[] Candidates(IEnumerable<Candidate> wire, bool nearest = false) =>
        [.. (nearest ? wire.TakeLast(16) : wire.Take(16)).Select(c => TreeCandidate.FromWire(c)).OfType<TreeCandidate>()];

    /// <summary>
    /// Joins <paramref name="candidate"/>: NotTaken when it redirected or refused us; else it was our parent until it
    /// went (Lost) or handed us off (HandedOff). Throws what dialing or the exchange throws.
    /// </summary>
    private async Task<ParentOutcome> TryParentAsync(TreeCandidate candidate, long? lostAt, CancellationToken cancellationToken)
    {
        TreeNodeOptions options = _node.Options;
        using var joinTimer = new CancellationTokenSource(options.JoinTimeout, options.TimeProvider);
        using var joining = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, joinTimer.Token);
        (PeerConnection connection, bool dialled) = await DialCandidateAsync(candidate, joining.Token).ConfigureAwait(false);
        var outcome = ParentOutcome.NotTaken;
        try
        {
            return outcome = await TryParentOverAsync(connection, candidate, lostAt, joining, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // A candidate that redirected or refused us keeps no connection we opened for it: a joiner walks down several
            // nodes, and the root would otherwise hold one connection per joiner ever (and refuse dials at its limit).
            // A parent that handed us off keeps its own: it forwards until the next parent flows.
            if (dialled && outcome != ParentOutcome.HandedOff && !_node.IsNeighbour(candidate.PeerId))
            {
                _ = CloseQuietlyAsync(connection);
            }
        }
    }

    private static async Task CloseQuietlyAsync(PeerConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    private async Task<ParentOutcome> TryParentOverAsync(
        PeerConnection connection, TreeCandidate candidate, long? lostAt, CancellationTokenSource joining, CancellationToken cancellationToken)
    {
        TreeNodeOptions options = _node.Options;
        StreamContext context = await connection.NewStreamAsync(TreeNode.Protocol, joining.Token).ConfigureAwait(false);
        var channel = new TreeChannel(context.Stream, options.MaxMessageSize);
        bool taken = false;
        try
        {
            TreeMessage reply = await AskAsync(channel, joining.Token).ConfigureAwait(false);
            switch (reply.BodyCase)
            {
                case TreeMessage.BodyOneofCase.Redirect:
                    lock (_gate)
                    {
                        _redirectedBy.Add(candidate.PeerId);
                    }

                    TreeCandidate[] others = Candidates(reply.Redirect.Candidates);
                    Log.Redirected(_node.Logger, Stream, candidate.PeerId, others.Length);
                    if (candidate.Free > 0)
                    {
                        ForgetRoom(); // it was full though we heard it had room: all we heard of room is as old
                    }

                    Learn(others);
                    return ParentOutcome.NotTaken;
                case TreeMessage.BodyOneofCase.Refuse:
                    Log.CandidateFailed(_node.Logger, Stream, candidate.PeerId, $"{reply.Refuse.Reason}: {reply.Refuse.Message}");
                    return ParentOutcome.NotTaken;
            }

            taken = true;
            return await TakeAsync(channel, candidate, reply.Accept, lostAt, joining, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!taken)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends our Join; the reply is an Accept, a Redirect or a Refuse (anything else throws).</summary>
    private async Task<TreeMessage> AskAsync(TreeChannel channel, CancellationToken cancellationToken)
    {
        var join = new Join { Stream = Stream, Capacity = (uint)_node.Options.MaxChildren };
        join.Addrs.Add(_node.Host.ListenAddresses.Take(8).Select(a => ByteString.CopyFrom(a.Bytes)));
        await channel.WriteAsync(new TreeMessage { Join = join }, cancellationToken).ConfigureAwait(false);
        TreeMessage reply = await channel.ReadAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("The candidate ended the stream.");
        return reply.BodyCase is TreeMessage.BodyOneofCase.Accept or TreeMessage.BodyOneofCase.Redirect or TreeMessage.BodyOneofCase.Refuse
            ? reply
            : throw new TreeException(TreeError.Protocol, $"Expected Accept, Redirect or Refuse, got {reply.BodyCase}.");
    }

    /// <summary>Rounds started at once after a redirect before a pause (a tree deeper than this is walked more slowly).</summary>
    private const int MaxRedirectRounds = 16;

    private enum ParentOutcome
    {
        NotTaken,
        Lost,
        HandedOff,
    }

    /// <summary>Where the parent stands, from its Accept.</summary>
    private sealed record ParentPosition(int Depth, PeerId[] Path, TreeCandidate[] Ancestors, ulong Epoch);
}
