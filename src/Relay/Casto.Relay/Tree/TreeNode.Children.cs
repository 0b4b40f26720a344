using Casto.Relay.Forwarding;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Relay.Tree;

/// <summary>The parent side: a joiner's stream from Join to its end.</summary>
public sealed partial class TreeNode
{
    private async ValueTask HandleJoinAsync(StreamContext context, CancellationToken cancellationToken)
    {
        var channel = new TreeChannel(context.Stream, _options.MaxMessageSize);
        await using (channel.ConfigureAwait(false))
        {
            if (Interlocked.Increment(ref _pendingJoins) > _options.MaxPendingJoins)
            {
                Interlocked.Decrement(ref _pendingJoins);
                await RefuseAsync(channel, Refuse.Types.Reason.Busy, "Too many joins in progress.", cancellationToken).ConfigureAwait(false);
                return;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
            TreeChild? child = null;
            TreePosition? position = null;
            ITreeLink? session = null;
            bool pending = true;
            try
            {
                using (var joinTimer = new CancellationTokenSource(_options.JoinTimeout, _options.TimeProvider))
                using (var joinTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, joinTimer.Token))
                {
                    Join join = (await channel.ExpectAsync(TreeMessage.BodyOneofCase.Join, joinTimeout.Token).ConfigureAwait(false)).Join;
                    position = Position(join.Stream);
                    if (position is null)
                    {
                        await RefuseAsync(channel, Refuse.Types.Reason.NoStream, $"Not carrying '{join.Stream}'.", stop.Token).ConfigureAwait(false);
                        return;
                    }

                    if (!_media.HasSource(join.Stream))
                    {
                        await RefuseAsync(channel, Refuse.Types.Reason.Busy, "Between parents: try again shortly.", stop.Token).ConfigureAwait(false);
                        return;
                    }

                    if (position.Path.Contains(context.RemotePeer))
                    {
                        await RefuseAsync(channel, Refuse.Types.Reason.Cycle, "You are an ancestor of this node.", stop.Token).ConfigureAwait(false);
                        return;
                    }

                    if (position.Leaving)
                    {
                        await RefuseAsync(channel, Refuse.Types.Reason.Closing, "Leaving.", stop.Token).ConfigureAwait(false);
                        return;
                    }

                    child = position.TryAddChild(
                        context.RemotePeer, AddressesOf(context, join), (int)Math.Min(join.Capacity, 1000), channel, _options.MaxChildren, _options.TimeProvider.GetTimestamp());
                    if (child is null)
                    {
                        var redirect = new Redirect();
                        redirect.Candidates.Add(position.RedirectTargets(16).Select(c => c.ToWire()));
                        await channel.WriteAsync(new TreeMessage { Redirect = redirect }, stop.Token).ConfigureAwait(false);
                        return;
                    }

                    var accept = new Accept { Depth = (uint)Math.Max(position.Depth, 0), Epoch = position.OutputEpoch };
                    accept.Path.Add(Wire(position.Path));
                    accept.Ancestors.Add(position.Ancestors.Select(a => a.ToWire()));
                    await channel.WriteAsync(new TreeMessage { Accept = accept }, joinTimeout.Token).ConfigureAwait(false);
                    SessionDescription offer = (await channel.ExpectAsync(TreeMessage.BodyOneofCase.Offer, joinTimeout.Token).ConfigureAwait(false)).Offer;
                    var resume = new ResumePoint(offer.HasResumeVideo ? (ushort)offer.ResumeVideo : null, offer.HasResumeAudio ? (ushort)offer.ResumeAudio : null);
                    TreeSubscription subscription = await _media.SubscribeAsync(join.Stream, offer.Sdp, resume, joinTimeout.Token).ConfigureAwait(false);
                    session = subscription.Link;
                    await channel.WriteAsync(new TreeMessage { Answer = new SessionDescription { Sdp = subscription.Answer } }, joinTimeout.Token).ConfigureAwait(false);
                }

                Interlocked.Decrement(ref _pendingJoins);
                pending = false;
                Log.ChildJoined(_logger, position.Stream, context.RemotePeer);
                await ServeChildAsync(channel, position, child, stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or TreeException or ForwardingException or OperationCanceledException or ObjectDisposedException)
            {
                if (ex is ForwardingException fe && pending)
                {
                    var reason = fe.Error is ForwardingError.StreamNotFound or ForwardingError.InvalidName ? Refuse.Types.Reason.NoStream
                        : fe.Error is ForwardingError.InvalidSdp ? Refuse.Types.Reason.BadRequest : Refuse.Types.Reason.Busy;
                    await RefuseAsync(channel, reason, ex.Message, CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                if (pending)
                {
                    Interlocked.Decrement(ref _pendingJoins);
                }

                if (child is not null)
                {
                    position!.RemoveChild(child);
                    Log.ChildLeft(_logger, position.Stream, context.RemotePeer);
                }

                if (session is not null)
                {
                    await EndQuietlyAsync(session).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Heartbeats down (our depth and path), the child's up (its room); ends when the child leaves or goes silent.</summary>
    private async Task ServeChildAsync(TreeChannel channel, TreePosition position, TreeChild child, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = new HeartbeatClock(_options.TimeProvider);
        var pathSent = new PathSent();
        Task sending = SendHeartbeatsAsync(channel, () =>
        {
            var h = new Heartbeat { Depth = (uint)Math.Max(position.Depth, 0), Epoch = position.OutputEpoch };
            (IReadOnlyList<PeerId> path, IReadOnlyList<TreeCandidate> ancestors) = (position.Path, position.Ancestors);
            if (pathSent.Unchanged(path, ancestors, h.Epoch))
            {
                h.SamePath = true;
            }
            else
            {
                h.Path.Add(Wire(path));
                h.Ancestors.Add(ancestors.Select(a => a.ToWire()));
            }

            if ((position.IsRoot ? position.RoomDepth(_options.MaxChildren) : position.TreeRoomDepth) is { } treeRoom)
            {
                h.TreeRoomDepth = (uint)treeRoom;
            }

            if (OriginFor(position) is { } origin)
            {
                (h.OriginRtp, h.OriginUnixUs) = (origin.RtpTimestamp, (ulong)origin.UnixMicros);
            }

            return clock.Stamp(h);
        }, done.Token);
        using var silence = new SilenceTimer(_options.ParentTimeout, _options.TimeProvider, done.Token);
        try
        {
            while (true)
            {
                TreeMessage? message = await ReadWithTimeoutAsync(channel, silence).ConfigureAwait(false);
                if (message is null || message.BodyCase == TreeMessage.BodyOneofCase.Leave)
                {
                    return;
                }

                if (message.BodyCase == TreeMessage.BodyOneofCase.HandOff)
                {
                    // The child leaves: its successors may join us over the limit for a moment (they replace it).
                    long until = _options.TimeProvider.GetTimestamp() + (long)(_options.HandOffTimeout.TotalSeconds * _options.TimeProvider.TimestampFrequency);
                    var successors = message.HandOff.Candidates.Select(c => TreeCandidate.FromWire(c)).OfType<TreeCandidate>().Select(c => c.PeerId);
                    position.ReserveFor(successors, until, 1);
                }
                else if (message.BodyCase == TreeMessage.BodyOneofCase.Heartbeat)
                {
                    clock.Heard(message.Heartbeat);
                    if (clock.Rtt is { } rtt)
                    {
                        Rtts.Record(child.PeerId, rtt);
                    }

                    child.Free = (int)Math.Min(message.Heartbeat.Free, 1000);
                    child.Children = (int)Math.Min(message.Heartbeat.Children, 1000);
                    if (!message.Heartbeat.SameRoom)
                    {
                        child.WithRoom = [.. message.Heartbeat.ChildrenWithRoom.Take(16).Select(c => TreeCandidate.FromWire(c)).OfType<TreeCandidate>()];
                    }

                    child.RoomDepth = message.Heartbeat.HasRoomDepth ? (int)Math.Min(message.Heartbeat.RoomDepth, 10_000) : null;
                    if (message.Heartbeat.SubtreeSize > 0)
                    {
                        child.Subtree = ([.. message.Heartbeat.Subtree.Take(_options.MaxReportEntries)], (int)Math.Min(message.Heartbeat.SubtreeSize, 10_000_000));
                    }
                }
            }
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await sending.ConfigureAwait(false);
        }
    }

    /// <summary>The root's RTP-to-clock mapping to tell children: the root's newest arrival, or what our parent told us (none once we renumbered our children).</summary>
    private (uint RtpTimestamp, long UnixMicros)? OriginFor(TreePosition position) =>
        position.IsRoot ? _media.NewestVideo(position.Stream) : position.OwnDomain ? null : position.Origin;

    /// <summary>Writes <paramref name="heartbeat"/>() every interval until cancelled or the stream fails.</summary>
    internal async Task SendHeartbeatsAsync(TreeChannel channel, Func<Heartbeat> heartbeat, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _options.TimeProvider);
        try
        {
            do
            {
                await channel.WriteAsync(new TreeMessage { Heartbeat = heartbeat() }, cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    /// <summary>The next message, or null at the end; a peer silent for <see cref="TreeNodeOptions.ParentTimeout"/> is an IOException.</summary>
    internal async ValueTask<TreeMessage?> ReadWithTimeoutAsync(TreeChannel channel, SilenceTimer silence)
    {
        silence.Restart();
        try
        {
            return await channel.ReadAsync(silence.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (silence.TimedOut)
        {
            throw new IOException($"No message for {_options.ParentTimeout.TotalMilliseconds} ms.");
        }
    }

    private static async Task RefuseAsync(TreeChannel channel, Refuse.Types.Reason reason, string message, CancellationToken cancellationToken)
    {
        try
        {
            await channel.WriteAsync(new TreeMessage { Refuse = new Refuse { Reason = reason, Message = message } }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    internal Task EndQuietlyAsync(ITreeLink session) => _media.EndAsync(session);

    /// <summary>The joiner's addresses: those it sent (unparsable ones skipped), else what identify told the peer store.</summary>
    private List<Multiaddr> AddressesOf(StreamContext context, Join join)
    {
        var sent = new List<Multiaddr>();
        foreach (var bytes in join.Addrs.Take(8))
        {
            try
            {
                sent.Add(Multiaddr.FromBytes(bytes.Span));
            }
            catch (FormatException)
            {
            }
        }

        return sent.Count > 0 ? sent : [.. (_host.PeerStore.Get(context.RemotePeer)?.Addresses ?? []).Take(8)];
    }
}
