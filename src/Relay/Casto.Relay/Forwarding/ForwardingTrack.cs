// Spec: https://www.rfc-editor.org/rfc/rfc7667#section-3.7 (RTP translator / selective forwarding),
//       https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1 (PLI), https://www.rfc-editor.org/rfc/rfc4588#section-1 (retransmission)
using System.Buffers.Binary;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Nack;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;

namespace Casto.Relay.Forwarding;

/// <summary>
/// One upstream track fanned out to many children without depacketizing: each packet (already decrypted once by the
/// upstream connection) is stored in the shared <see cref="RtpSendHistory"/> and sent to every live child with that
/// child's SSRC, payload type and offsets (the child's connection protects it with the child's keys). A joining
/// child replays the cached group of pictures from its key frame, faster than real time, until it reaches the live
/// edge; without a cached key frame it waits for the next one, which is requested upstream. Children's NACKs are
/// answered from the history; their key frame requests are merged into one PLI upstream per interval.
/// One lock serialises the upstream packet, joins, leaves and NACKs; the fan-out allocates nothing.
/// </summary>
internal sealed partial class ForwardingTrack : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ForwardingOptions _options;
    private readonly RtpSendHistory _history;
    private readonly RtcSendBatch? _batch;
    private readonly TimeProvider _time;
    private readonly Dictionary<RtcPeerConnection, TrackSubscriber> _bySubscriber = [];
    private TrackSubscriber[] _subscribers = [];
    private bool _started;
    private ushort _liveEdge;
    private ushort _firstSequence;
    private uint _newestTimestamp;
    private long _newestAtUnixMicros;
    private bool _hasKeyFrame;
    private ushort _keyFrameStart;
    private uint _keyFrameTimestamp;
    private bool _disposed;
    private object? _source;
    private long _stale;

    public ForwardingTrack(RtcCodec codec, int clockRate, ForwardingOptions options, Action requestKeyFrame)
    {
        Codec = codec;
        ClockRate = clockRate;
        _options = options;
        _time = options.TimeProvider;
        _requestKeyFrame = requestKeyFrame;
        _history = new RtpSendHistory(options.HistorySize, options.MaxPacketSize);
        _batch = options.SendBatchSize > 0 ? new RtcSendBatch(options.SendBatchSize) : null;
    }

    /// <summary>The codec of the current source (set when the source changes).</summary>
    public RtcCodec Codec { get; set; }

    public int ClockRate { get; }

    /// <summary>The SSRC of the latest upstream packet (the target of key frame requests), 0 before one.</summary>
    public uint SourceSsrc { get; private set; }

    /// <summary>The RTP timestamp of the newest frame and when its first packet arrived (Unix µs, wall clock); null before one.</summary>
    public (uint RtpTimestamp, long ArrivedUnixMicros)? Newest
    {
        get
        {
            lock (_gate)
            {
                return _started ? (_newestTimestamp, _newestAtUnixMicros) : null;
            }
        }
    }

    /// <summary>The upstream receive thread's packet: stored, then sent to each child as its state asks.</summary>
    public void OnPacket(ReadOnlySpan<byte> rtp) => OnPacket(null, rtp);

    /// <summary>
    /// Like <see cref="OnPacket(ReadOnlySpan{byte})"/>, from <paramref name="source"/>: dropped (as stale) unless it is
    /// the source of the last <see cref="OnSourceChanged"/>, so a packet of the old source still in flight while the
    /// source changes cannot restart the track on the old numbering. <paramref name="receivedAt"/> (a timestamp of
    /// <see cref="ForwardingOptions.TimeProvider"/>, 0 when unknown) is when it came off the socket: the time until its
    /// copies are sent goes into <see cref="ForwardDelayHistogram"/>.
    /// </summary>
    public void OnPacket(object? source, ReadOnlySpan<byte> rtp, long receivedAt = 0)
    {
        if (rtp.Length > _options.MaxPacketSize || !RtpPacket.TryRead(rtp, out RtpHeader header, out ReadOnlySpan<byte> payload))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        ushort seq = header.SequenceNumber;
        bool keyStart = KeyFrames.IsKeyFrameStart(Codec, payload);
        bool waiting = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (source != _source)
            {
                _stale++;
                return;
            }

            if (_history.Contains(seq))
            {
                _duplicates++;
                return;
            }

            _history.Store(rtp);
            bool ahead = !_started || (short)(seq - _liveEdge) > 0;
            _firstSequence = _started ? _firstSequence : seq;
            _started = true;
            SourceSsrc = header.Ssrc;
            if (ahead)
            {
                _liveEdge = seq;
                if (header.Timestamp != _newestTimestamp || _newestAtUnixMicros == 0)
                {
                    // The first packet of a frame: every node times the same packet, so frame sizes do not skew latency.
                    (_newestTimestamp, _newestAtUnixMicros) = (header.Timestamp, (_time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
                }
                if (keyStart && !(_hasKeyFrame && header.Timestamp == _keyFrameTimestamp))
                {
                    // One access unit may hold several key NAL units (H264: SPS, PPS, then the IDR slice, each its own
                    // packet): a joiner starts at the first, or it would get the IDR without its parameter sets.
                    (_hasKeyFrame, _keyFrameStart, _keyFrameTimestamp) = (true, seq, header.Timestamp);
                    _keyFrames++;
                }
                else if (_hasKeyFrame && (ushort)(seq - _keyFrameStart) >= _history.Capacity)
                {
                    _hasKeyFrame = false; // the group of pictures no longer fits the history
                }
            }

            _packetsIn++;
            _bytesIn += rtp.Length;
            long now = _time.GetTimestamp();
            long packetsOutBefore = _packetsOut;
            foreach (TrackSubscriber s in _subscribers)
            {
                switch (s.State)
                {
                    case TrackSubscriberState.Live:
                        Send(s, rtp, seq, header.Timestamp, now);
                        break;
                    case TrackSubscriberState.CatchingUp:
                        if ((short)(seq - s.Cursor) < 0)
                        {
                            Send(s, rtp, seq, header.Timestamp, now); // a late packet behind the replay cursor
                        }

                        CatchUp(s, _options.CatchUpBurst, now);
                        break;
                    case TrackSubscriberState.WaitingForKeyFrame when ahead && (keyStart || Codec == RtcCodec.Opus):
                        s.State = TrackSubscriberState.Live;
                        Send(s, rtp, seq, header.Timestamp, now);
                        break;
                    case TrackSubscriberState.WaitingForKeyFrame:
                        waiting = true;
                        break;
                }
            }

            _batch?.Flush();
            if (receivedAt != 0 && _packetsOut != packetsOutBefore)
            {
                _forwardDelay.Record(_time.GetElapsedTime(receivedAt).TotalMicroseconds, (int)(_packetsOut - packetsOutBefore));
            }
        }

        if (waiting)
        {
            RequestKeyFrame(fromChild: false);
        }
    }

    /// <summary>Sends one packet of the current source to a child, unless it lies before the child's start.</summary>
    private void Send(TrackSubscriber s, ReadOnlySpan<byte> packet, ushort seq, uint timestamp, long now)
    {
        RtpMunger munger = s.Munger;
        if (munger.IsBeforeStart(seq))
        {
            return;
        }

        munger.BeforeSend(seq, timestamp, now, _time.TimestampFrequency, ClockRate);
        if (TrySend(s, packet))
        {
            _packetsOut++;
            munger.AfterSend(seq, timestamp, now);
        }
        else
        {
            _sendDrops++;
        }
    }

    /// <summary>Into the batch (the caller flushes before it leaves the lock), or at once without one.</summary>
    private bool TrySend(TrackSubscriber s, ReadOnlySpan<byte> packet) =>
        _batch is null ? s.Connection.TrySendRtp(packet, s.Munger.Rewrite) : s.Connection.TrySendRtp(packet, s.Munger.Rewrite, _batch);

    /// <summary>Replays up to <paramref name="burst"/> cached packets from the child's cursor; live once past the edge.</summary>
    private void CatchUp(TrackSubscriber s, int burst, long now)
    {
        for (int i = 0; i < burst && (short)(s.Cursor - _liveEdge) <= 0; i++)
        {
            if (_history.TryGet(s.Cursor, out ReadOnlySpan<byte> packet))
            {
                Send(s, packet, s.Cursor, BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), now);
            }

            s.Cursor++; // a hole (lost upstream) is skipped; the child NACKs it and gets it once it arrives
        }

        if ((short)(s.Cursor - _liveEdge) > 0)
        {
            s.State = TrackSubscriberState.Live;
        }
    }

    /// <summary>Returns the history to the pool; later packets are ignored.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _subscribers = [];
            _bySubscriber.Clear();
            _history.Dispose();
            _batch?.Dispose();
        }
    }
}
