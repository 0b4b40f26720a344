// Spec: https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (generic NACK), https://www.rfc-editor.org/rfc/rfc4585#section-3.5.4 (feedback rate)
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Forwarding;

/// <summary>Joins and leaves, NACKs answered from the shared history, key frame requests merged upstream, source changes.</summary>
internal sealed partial class ForwardingTrack
{
    private readonly Action _requestKeyFrame;
    private long _lastKeyFrameRequest;

    /// <summary>Number of children.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>
    /// Adds a connected child that receives this track as <paramref name="ssrc"/> / <paramref name="payloadType"/>.
    /// It starts at once on the cached key frame when there is one, else at the next key frame (requested now).
    /// False when the track is full (<see cref="ForwardingOptions.MaxSubscribers"/>) or the child is already on it.
    /// </summary>
    public bool TryAdd(RtcPeerConnection child, uint ssrc, int payloadType, ushort? resumeFrom = null)
    {
        bool request = false;
        TrackSubscriber added;
        lock (_gate)
        {
            if (_disposed || _subscribers.Length >= _options.MaxSubscribers || _bySubscriber.ContainsKey(child))
            {
                return false;
            }

            var s = new TrackSubscriber(child, new RtpMunger(ssrc, payloadType)) { State = TrackSubscriberState.WaitingForKeyFrame };
            if (resumeFrom is { } from && _started && CanResume(from))
            {
                // A tree child that had this numbering from another parent: on from where it stopped (a gap filled, or live when it is ahead).
                s.State = TrackSubscriberState.CatchingUp;
                s.Cursor = from;
                CatchUp(s, _options.JoinBurst, _time.GetTimestamp());
                _batch?.Flush();
            }
            else if (Codec != RtcCodec.Opus && _hasKeyFrame && _history.Contains(_keyFrameStart))
            {
                s.State = TrackSubscriberState.CatchingUp;
                s.Cursor = _keyFrameStart;
                CatchUp(s, _options.JoinBurst, _time.GetTimestamp());
                _batch?.Flush();
            }
            else
            {
                request = Codec != RtcCodec.Opus && _started;
            }

            _bySubscriber.Add(child, s);
            Volatile.Write(ref _subscribers, [.. _subscribers, s]);
            added = s;
        }

        UseSourceClock(child, added); // outside the lock: it takes the child's RTCP lock
        if (request)
        {
            RequestKeyFrame(fromChild: false);
        }

        return true;
    }

    /// <summary>
    /// Where a new source of the same numbering (a tree's next parent) should start: the oldest hole among the last
    /// <see cref="ResumeLookBack"/> packets since this source started (a packet the lost parent never delivered), else the
    /// live edge + 1; null before a packet. What it resends that we have is dropped as a duplicate.
    /// </summary>
    public ushort? ResumePoint
    {
        get
        {
            lock (_gate)
            {
                if (!_started)
                {
                    return null;
                }

                ushort from = (ushort)(_liveEdge + 1);
                int back = Math.Min(Math.Min(ResumeLookBack, _history.Capacity - 1), (ushort)(_liveEdge - _firstSequence));
                for (int i = 1; i <= back; i++)
                {
                    ushort seq = (ushort)(_liveEdge - i);
                    if (!_history.Contains(seq))
                    {
                        from = seq;
                    }
                }

                return from;
            }
        }
    }

    /// <summary>Packets behind the live edge searched for holes by <see cref="ResumePoint"/> (about a second of 2.5 Mbit/s video).</summary>
    private const int ResumeLookBack = 256;

    /// <summary>Under the lock: <paramref name="from"/> is in the history, or ahead of the live edge by less than half the number space.</summary>
    private bool CanResume(ushort from) => _history.Contains(from) || (short)(from - _liveEdge) > 0;

    /// <summary>Removes a child (idempotent).</summary>
    public void Remove(RtcPeerConnection child)
    {
        TrackSubscriber? removed = null;
        lock (_gate)
        {
            if (_bySubscriber.Remove(child, out TrackSubscriber? s))
            {
                Volatile.Write(ref _subscribers, Array.FindAll(_subscribers, x => x != s));
                removed = s;
            }
        }

        if (removed is not null)
        {
            child.SetSenderClock(removed.Munger.Rewrite.PayloadType, null);
        }
    }

    /// <summary>A child's NACK (child numbering): each packet still in the history is resent with the child's rewrite.</summary>
    public void OnNack(RtcPeerConnection child, ReadOnlySpan<ushort> sequenceNumbers)
    {
        lock (_gate)
        {
            if (_disposed || !_bySubscriber.TryGetValue(child, out TrackSubscriber? s))
            {
                return;
            }

            foreach (ushort childSequence in sequenceNumbers)
            {
                _nackedPackets++;
                if (!s.Munger.TryMapNack(childSequence, out ushort upstream) || !_history.TryGet(upstream, out ReadOnlySpan<byte> packet))
                {
                    _retransmissionMisses++;
                }
                else if (TrySend(s, packet))
                {
                    _retransmissions++;
                }
                else
                {
                    _sendDrops++;
                }
            }

            _batch?.Flush();
        }
    }

    /// <summary>A child (or a waiting joiner) wants a key frame: one request upstream per <see cref="ForwardingOptions.KeyFrameRequestInterval"/>.</summary>
    public void RequestKeyFrame(bool fromChild = true)
    {
        if (Codec == RtcCodec.Opus)
        {
            return;
        }

        lock (_gate)
        {
            _keyFrameRequestsReceived += fromChild ? 1 : 0;
            long now = _time.GetTimestamp();
            if (_lastKeyFrameRequest != 0 && _time.GetElapsedTime(_lastKeyFrameRequest, now) < _options.KeyFrameRequestInterval)
            {
                return;
            }

            _lastKeyFrameRequest = now;
            _keyFrameRequestsSent++;
        }

        _requestKeyFrame();
    }

    /// <summary>
    /// The upstream source changes (a new publisher, or in a tree a new parent): the history is dropped, every child
    /// waits for the new source's next key frame and is then rebased so its numbering continues. With
    /// <paramref name="continuesNumbering"/> the new source carries the same sequence numbers and timestamps (a tree
    /// parent replaced by another of the same stream): only the accepted source changes; history, key frame and
    /// children stay, its packets we already have are duplicates and the rest fill the gap.
    /// </summary>
    public void OnSourceChanged(object? source = null, bool continuesNumbering = false)
    {
        lock (_gate)
        {
            _source = source;
            if (continuesNumbering)
            {
                return;
            }

            _history.Clear();
            (_started, _hasKeyFrame, _lastKeyFrameRequest) = (false, false, 0);
            foreach (TrackSubscriber s in _subscribers)
            {
                s.Munger.OnSourceChanged();
                s.State = TrackSubscriberState.WaitingForKeyFrame;
            }
        }
    }
}
