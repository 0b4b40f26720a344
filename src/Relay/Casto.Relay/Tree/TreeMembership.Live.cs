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
        TreeChannel channel, TreeCandidate parent, ITreeLink session, ParentPosition at, long? lostAt, CancellationToken joining,
        CancellationToken cancellationToken)
    {
        ITreeLink upstream = session;
        await upstream.WaitConnectedAsync(joining).ConfigureAwait(false);
        TimeProvider time = _node.Options.TimeProvider;
        _position.SetParent(parent, at.Depth, at.Path, at.Ancestors, at.Epoch);
        KeepGrandparentWarm(cancellationToken);
        if (Interlocked.Exchange(ref _previous, null) is { } previous)
        {
            // The parent that handed us off keeps forwarding until the new stream flows; then it is told we left.
            _ = EndWhenFlowingAsync(previous, upstream.FirstPacket, cancellationToken);
        }
        if (Interlocked.Increment(ref _parentsTaken) > 1)
        {
            Interlocked.Increment(ref _parentChanges);
        }

        Log.ParentTaken(_node.Logger, Stream, parent.PeerId, _position.Depth);
        OnParentChanged();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationToken watchingToken = watching.Token; // the state handler may run after the source is disposed
        string reason = "left";
        long lastHeard = time.GetTimestamp();
        Action<TreeLinkState> onState = state =>
        {
            if (state is TreeLinkState.Failed or TreeLinkState.Closed)
            {
                reason = "media " + state;
                CancelQuietly(watching);
            }
            else if (state is TreeLinkState.Disconnected)
            {
                // Media silent: the parent is gone only if its heartbeats stopped too (the source may just have paused).
                _ = ConfirmSilenceAsync(upstream, () => Volatile.Read(ref lastHeard), () => { reason = "media and heartbeats silent"; CancelQuietly(watching); }, watchingToken);
            }
        };
        upstream.StateChanged += onState;
        bool movingUp = false;
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task moving = MoveUpWhenDeepAsync(() => { (reason, movingUp) = ("moving up", true); CancelQuietly(watching); }, probing.Token);
        _ = upstream.FirstPacket.ContinueWith(
            _ =>
            {
                if (lostAt is { } lost)
                {
                    TimeSpan took = time.GetElapsedTime(lost);
                    RecordRecovery(took);
                    Log.Recovered(_node.Logger, Stream, took.TotalMilliseconds);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var beating = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken); // outlives a hand-off
        var clock = new HeartbeatClock(time);
        var roomSent = new RoomSent(); // this parent's: its first heartbeat carries the room in full
        Task sending = _node.SendHeartbeatsAsync(channel, () => clock.Stamp(MyHeartbeat(roomSent)), beating.Token);
        PreviousParent? kept = null;
        Volatile.Write(ref _parentChannel, channel);
        using var silence = new SilenceTimer(_node.Options.ParentTimeout, time, watching.Token);
        bool pathKnown = false; // a same_path heartbeat before any full one (a faulty parent) changes nothing
        try
        {
            while (true)
            {
                TreeMessage? message = await _node.ReadWithTimeoutAsync(channel, silence).ConfigureAwait(false);
                Volatile.Write(ref lastHeard, time.GetTimestamp());
                switch (message?.BodyCase)
                {
                    case null or TreeMessage.BodyOneofCase.Leave:
                        reason = "stream ended";
                        return null;
                    case TreeMessage.BodyOneofCase.HandOff:
                        reason = "handed off";
                        TryFirst(Candidates(message.HandOff.Candidates));
                        kept = new PreviousParent(session, channel, beating, sending);
                        return kept;
                    case TreeMessage.BodyOneofCase.Heartbeat:
                        Heartbeat h = message.Heartbeat;
                        clock.Heard(h);
                        _position.ParentRtt = clock.Rtt;
                        if (clock.Rtt is { } rtt)
                        {
                            _node.Rtts.Record(parent.PeerId, rtt);
                        }

                        if (!h.SamePath)
                        {
                            _position.SetParent(parent, (int)Math.Min(h.Depth, 1000), TreeNode.FromWire(h.Path, 64), Candidates(h.Ancestors, nearest: true), h.Epoch);
                            KeepGrandparentWarm(cancellationToken);
                            pathKnown = true;
                        }
                        else if (!pathKnown)
                        {
                            break;
                        }

                        _position.TreeRoomDepth = h.HasTreeRoomDepth ? (int)Math.Min(h.TreeRoomDepth, 10_000) : null;
                        _position.Origin = h.HasOriginRtp && h.HasOriginUnixUs && h.Epoch == _position.InputEpoch ? (h.OriginRtp, (long)h.OriginUnixUs) : null;
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or TreeException or FormatException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (ex is OperationCanceledException && movingUp)
            {
                // A better place accepted us: the join loop takes it, this parent forwarding until its stream flows.
                kept = new PreviousParent(session, channel, beating, sending);
                return kept;
            }

            reason = ex is OperationCanceledException ? reason : ex.Message;
            return null;
        }
        finally
        {
            await probing.CancelAsync().ConfigureAwait(false);
            await moving.ConfigureAwait(false);
            Volatile.Write(ref _parentChannel, null);
            upstream.StateChanged -= onState;
            await watching.CancelAsync().ConfigureAwait(false);
            if (kept is null)
            {
                await beating.CancelAsync().ConfigureAwait(false);
                await sending.ConfigureAwait(false);
                beating.Dispose();
            }

            IReadOnlyList<TreeCandidate> ancestors = _position.Ancestors;
            _position.LoseParent();
            // The nearest ancestor first (warm, and our parent's place under it is free), then the rest nearest first with
            // their room unknown (what they reported is old); the lost parent is kept after them (it may only have paused,
            // and for a child of the root it is the way up).
            TreeCandidate[] up = [.. ancestors.Where(a => !a.PeerId.Equals(parent.PeerId)).Reverse().Select(a => a with { Free = -1 })];
            Learn([.. up, parent with { Free = -1 }]);
            if (kept is null && up.Length > 0)
            {
                TryFirst(up.Take(1));
            }
            if (!cancellationToken.IsCancellationRequested)
            {
                Log.ParentLost(_node.Logger, Stream, parent.PeerId, reason);
            }

            OnParentChanged();
        }
    }

    /// <summary>An event raised after this parent's life ended (its token source already disposed) changes nothing.</summary>
    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>While the upstream stays disconnected: <paramref name="lost"/> once nothing was heard on the control stream for two heartbeat intervals either.</summary>
    private async Task ConfirmSilenceAsync(ITreeLink upstream, Func<long> lastHeard, Action lost, CancellationToken cancellationToken)
    {
        TimeProvider time = _node.Options.TimeProvider;
        TimeSpan interval = _node.Options.HeartbeatInterval;
        try
        {
            while (upstream.State == TreeLinkState.Disconnected)
            {
                if (time.GetElapsedTime(lastHeard()) > 2 * interval)
                {
                    lost();
                    return;
                }

                await Task.Delay(interval / 2, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task EndWhenFlowingAsync(PreviousParent previous, Task flowing, CancellationToken cancellationToken)
    {
        try
        {
            await flowing.WaitAsync(_node.Options.HandOffTimeout, _node.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }

        await EndAsync(previous).ConfigureAwait(false);
    }

    private Heartbeat MyHeartbeat(RoomSent roomSent)
    {
        int children = _position.ChildCount;
        var h = new Heartbeat { Children = (uint)children, Free = (uint)Math.Max(_node.Options.MaxChildren - children, 0) };
        List<TreeCandidate> room = _position.ChildrenWithRoom(8);
        if (roomSent.Unchanged(room))
        {
            h.SameRoom = true;
        }
        else
        {
            h.ChildrenWithRoom.Add(room.Select(c => c.ToWire()));
        }

        if (_position.RoomDepth(_node.Options.MaxChildren) is { } roomDepth)
        {
            h.RoomDepth = (uint)roomDepth;
        }
        long now = _node.Options.TimeProvider.GetTimestamp();
        if (_lastReport == 0 || _node.Options.TimeProvider.GetElapsedTime(_lastReport, now) >= _node.Options.ReportInterval)
        {
            _lastReport = now;
            var (entries, size) = _node.SubtreeReport(_position);
            h.Subtree.Add(entries);
            h.SubtreeSize = (uint)size;
        }

        return h;
    }
}
