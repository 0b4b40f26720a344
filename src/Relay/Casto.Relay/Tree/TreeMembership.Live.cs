using Casto.Relay.Forwarding;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Identity;
using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Tree;

/// <summary>Life with one parent: heartbeats both ways, its position taken as ours, and the ways it ends.</summary>
public sealed partial class TreeMembership
{
    /// <summary>Until the parent goes; when it handed us off, what keeps it (it forwards, we heartbeat) until the next parent flows.</summary>
    private async Task<PreviousParent?> LiveWithParentAsync(
        TreeChannel channel, TreeCandidate parent, ForwardingSession session, ParentPosition at, long? lostAt, CancellationToken joining,
        CancellationToken cancellationToken)
    {
        RtcPeerConnection upstream = session.Connection;
        var firstPacket = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RtcRtpHandler onPacket = (_, _) => firstPacket.TrySetResult();
        upstream.RtpReceived += onPacket;
        await upstream.WaitConnectedAsync(joining).ConfigureAwait(false);
        TimeProvider time = _node.Options.TimeProvider;
        _position.SetParent(parent, at.Depth, at.Path, at.Ancestors, at.Epoch);
        if (Volatile.Read(ref _previous) is not null)
        {
            try
            {
                await firstPacket.Task.WaitAsync(_node.Options.HandOffTimeout, time, joining).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }

            await EndPreviousAsync().ConfigureAwait(false); // the parent that handed us off: the new stream flows
        }
        if (Interlocked.Increment(ref _parentsTaken) > 1)
        {
            Interlocked.Increment(ref _parentChanges);
        }

        Log.ParentTaken(_node.Logger, Stream, parent.PeerId, _position.Depth);
        OnParentChanged();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string reason = "left";
        EventHandler<RtcPeerConnectionState> onState = (_, state) =>
        {
            if (state is RtcPeerConnectionState.Disconnected or RtcPeerConnectionState.Failed or RtcPeerConnectionState.Closed)
            {
                reason = "media " + state;
                watching.Cancel();
            }
        };
        upstream.ConnectionStateChanged += onState;
        _ = firstPacket.Task.ContinueWith(
            _ =>
            {
                upstream.RtpReceived -= onPacket;
                if (lostAt is { } lost)
                {
                    TimeSpan took = time.GetElapsedTime(lost);
                    RecordRecovery(took);
                    Log.Recovered(_node.Logger, Stream, took.TotalMilliseconds);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var beating = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken); // outlives a hand-off
        Task sending = _node.SendHeartbeatsAsync(channel, MyHeartbeat, beating.Token);
        PreviousParent? kept = null;
        Volatile.Write(ref _parentChannel, channel);
        try
        {
            while (true)
            {
                TreeMessage? message = await _node.ReadWithTimeoutAsync(channel, watching.Token).ConfigureAwait(false);
                switch (message?.BodyCase)
                {
                    case null or TreeMessage.BodyOneofCase.Leave:
                        reason = "stream ended";
                        return null;
                    case TreeMessage.BodyOneofCase.HandOff:
                        reason = "handed off";
                        HandOffTo(Candidates(message.HandOff.Candidates));
                        kept = new PreviousParent(session, channel, beating, sending);
                        return kept;
                    case TreeMessage.BodyOneofCase.Heartbeat:
                        Heartbeat h = message.Heartbeat;
                        _position.SetParent(parent, (int)Math.Min(h.Depth, 1000), TreeNode.FromWire(h.Path, 64), Candidates(h.Ancestors, nearest: true), h.Epoch);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or TreeException or FormatException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            reason = ex is OperationCanceledException ? reason : ex.Message;
            return null;
        }
        finally
        {
            Volatile.Write(ref _parentChannel, null);
            upstream.ConnectionStateChanged -= onState;
            upstream.RtpReceived -= onPacket;
            await watching.CancelAsync().ConfigureAwait(false);
            if (kept is null)
            {
                await beating.CancelAsync().ConfigureAwait(false);
                await sending.ConfigureAwait(false);
                beating.Dispose();
            }

            IReadOnlyList<TreeCandidate> ancestors = _position.Ancestors;
            _position.LoseParent();
            Forget(parent.PeerId);
            Learn(ancestors.Where(a => !a.PeerId.Equals(parent.PeerId)).Reverse()); // the nearest ancestor first
            if (!cancellationToken.IsCancellationRequested)
            {
                Log.ParentLost(_node.Logger, Stream, parent.PeerId, reason);
            }

            OnParentChanged();
        }
    }

    private Heartbeat MyHeartbeat()
    {
        int children = _position.ChildCount;
        var h = new Heartbeat { Children = (uint)children, Free = (uint)Math.Max(_node.Options.MaxChildren - children, 0) };
        h.ChildrenWithRoom.Add(_position.ChildrenWithRoom(8).Select(c => c.ToWire()));
        return h;
    }
}
