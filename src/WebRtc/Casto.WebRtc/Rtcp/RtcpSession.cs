// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6 (RTCP: SR/RR, SDES CNAME, BYE, compound packets),
//       https://www.rfc-editor.org/rfc/rfc4585#section-3.5 (feedback timing), https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (generic NACK),
//       https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1 (PLI), https://www.rfc-editor.org/rfc/rfc5104#section-4.3.1 (FIR)
using System.Buffers.Binary;
using System.Text;
using Casto.WebRtc.Nack;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Rtcp;

/// <summary>Hands one compound RTCP packet (unprotected) to the transport.</summary>
internal delegate void RtcpSink(ReadOnlySpan<byte> compound);

/// <summary>Generic NACKs the session does not answer itself (no send history): the sequence numbers lost on one SSRC.</summary>
internal delegate void RtcpNackHandler(uint mediaSsrc, ReadOnlySpan<ushort> lost);

/// <summary>
/// The RTCP side of one RTP session (one bundled transport): records sent RTP for retransmission and SRs, tracks
/// received RTP for RRs and NACKs, answers NACKs, surfaces PLI/FIR and keeps getStats-lite counters. Two timers on
/// the injected <see cref="TimeProvider"/>: the report tick (SR/RR + SDES) and the feedback tick (NACKs due).
/// Compounds always start with SR or RR and carry SDES CNAME (RFC 3550 §6.1). Thread-safe (one lock); buffers are
/// preallocated, so RTP paths do not allocate after a stream's first packet.
/// </summary>
internal sealed partial class RtcpSession : IDisposable
{
    /// <summary>Size of the compound buffer: SR with 31 blocks, 15 more SRs, SDES and BYE fit.</summary>
    public const int MaxCompoundSize = 2048;

    private readonly RtcpSessionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly byte[] _cname;
    private readonly RtcpSink _sink;
    private readonly RtpPacketHandler _resend;
    private readonly NackResponder? _responder;
    private readonly Dictionary<uint, RtpSendStream> _local = [];
    private readonly Dictionary<uint, RtpReceiveStream> _remote = [];
    private readonly byte[] _buffer = new byte[MaxCompoundSize];
    private readonly int[] _clockRates = new int[128];
    private readonly bool[] _noFeedback = new bool[128];
    private ITimer? _reportTimer;
    private ITimer? _feedbackTimer;
    private uint _lastRemoteSsrc;
    private bool _disposed;
    private long _nacksSent;
    private long _nackedRequested;
    private long _nacksReceived;
    private long _plisSent;
    private long _plisReceived;
    private long _firsReceived;
    private long _srSent;
    private long _rrSent;
    private long _rtcpReceived;
    private long _rtcpDropped;
    private long _byesReceived;

    /// <summary>Creates a session sending as <paramref name="ssrc"/> with CNAME <paramref name="cname"/> (≤ 255 UTF-8 bytes).</summary>
    public RtcpSession(uint ssrc, string cname, RtcpSessionOptions? options, RtcpSink sink, RtpPacketHandler resend)
    {
        ArgumentNullException.ThrowIfNull(cname);
        _options = options ?? new RtcpSessionOptions();
        _options.Validate();
        _cname = Encoding.UTF8.GetBytes(cname);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_cname.Length, 255, nameof(cname));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _resend = resend ?? throw new ArgumentNullException(nameof(resend));
        _time = _options.TimeProvider;
        Ssrc = ssrc;
        _responder = _options.SendHistorySize == 0 ? null : new NackResponder(
            new NackResponderOptions
            {
                HistorySize = _options.SendHistorySize,
                MaxPacketSize = _options.MaxPacketSize,
                MaxStreams = _options.MaxLocalStreams,
                MinResendInterval = _options.MinResendInterval,
            },
            _time);
    }

    /// <summary>Raised (outside the lock, on the receiving thread) for each PLI or FIR received.</summary>
    public event EventHandler<KeyFrameRequest>? KeyFrameRequested;

    /// <summary>
    /// Without a send history (<see cref="RtcpSessionOptions.SendHistorySize"/> 0): raised outside the lock, on the
    /// receiving thread, with the sequence numbers a received generic NACK asks for, so the caller answers it.
    /// </summary>
    public RtcpNackHandler? NackReceived { get; set; }

    /// <summary>Raised (outside the lock) for each BYE received, with its first SSRC.</summary>
    public event EventHandler<uint>? ByeReceived;

    /// <summary>Called on every feedback tick (after due NACKs are sent): a clock for the owner's own checks.</summary>
    public Action? Ticked { get; set; }

    /// <summary>Our SSRC: sender of RR, NACK, PLI, SDES.</summary>
    public uint Ssrc { get; }

    /// <summary>
    /// Declares a negotiated payload type: its RTP clock rate, and whether its streams get NACK and are PLI targets
    /// (video) or not (e.g. Opus audio). Streams of undeclared payload types use <see cref="RtcpSessionOptions.ClockRate"/>
    /// with feedback. A stream's kind is fixed by its first packet.
    /// </summary>
    public void AddPayloadType(int payloadType, int clockRate, bool feedback)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        ArgumentOutOfRangeException.ThrowIfLessThan(clockRate, 1);
        lock (_gate)
        {
            _clockRates[payloadType] = clockRate;
            _noFeedback[payloadType] = !feedback;
        }
    }

    /// <summary>Starts the report and feedback timers.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_disposed || _reportTimer is not null)
            {
                return;
            }

            _reportTimer = _time.CreateTimer(static s => ((RtcpSession)s!).Tick(report: true), this, _options.ReportInterval, _options.ReportInterval);
            _feedbackTimer = _time.CreateTimer(static s => ((RtcpSession)s!).Tick(report: false), this, _options.FeedbackInterval, _options.FeedbackInterval);
        }
    }

    /// <summary>Records a sent RTP packet (send history for NACK, SR counters). Invalid packets are ignored.</summary>
    public void OnRtpSent(ReadOnlySpan<byte> packet)
    {
        if (!RtpPacket.TryRead(packet, out RtpHeader header, out ReadOnlySpan<byte> payload))
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (!_local.TryGetValue(header.Ssrc, out RtpSendStream? stream))
            {
                if (_local.Count >= _options.MaxLocalStreams)
                {
                    return;
                }

                stream = new RtpSendStream(header.Ssrc, ClockRateOf(header.PayloadType), header.PayloadType);
                _local.Add(header.Ssrc, stream);
            }

            stream.OnSent(header.Timestamp, payload.Length, packet.Length, _time.GetTimestamp());
            _responder?.OnSent(packet);
        }
    }

    /// <summary>Records a received (unprotected) RTP packet: counters, loss, jitter, NACK tracking.</summary>
    public void OnRtpReceived(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < RtpHeader.FixedSize || (packet[0] >> 6) != RtpHeader.Version)
        {
            return;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (!_remote.TryGetValue(ssrc, out RtpReceiveStream? stream))
            {
                if (_remote.Count >= _options.MaxRemoteStreams)
                {
                    return;
                }

                int payloadType = packet[1] & 0x7F;
                stream = new RtpReceiveStream(Ssrc, ssrc, ClockRateOf(payloadType), !_noFeedback[payloadType], _options.Nack, _time);
                _remote.Add(ssrc, stream);
            }

            if (stream.Feedback)
            {
                _lastRemoteSsrc = ssrc;
            }

            stream.OnReceived(BinaryPrimitives.ReadUInt16BigEndian(packet[2..]), BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), packet.Length);
        }
    }

    /// <summary>The counters now.</summary>
    public RtcpStats GetStats()
    {
        lock (_gate)
        {
            long sent = 0, sentBytes = 0, received = 0, receivedBytes = 0, lost = 0, givenUp = 0;
            double jitter = 0;
            RtpSendStream? reported = null;
            foreach (RtpSendStream s in _local.Values)
            {
                sent += s.Packets;
                sentBytes += s.Bytes;
                reported ??= s.HasRemoteReport ? s : null;
            }

            foreach (RtpReceiveStream r in _remote.Values)
            {
                received += r.Packets;
                receivedBytes += r.Bytes;
                lost += r.CumulativeLost;
                givenUp += r.Nack.GivenUpCount;
                jitter = Math.Max(jitter, r.JitterSeconds);
            }

            return new RtcpStats
            {
                NacksSent = _nacksSent,
                NackedPacketsRequested = _nackedRequested,
                NacksReceived = _nacksReceived,
                PlisSent = _plisSent,
                PlisReceived = _plisReceived,
                FirsReceived = _firsReceived,
                SenderReportsSent = _srSent,
                ReceiverReportsSent = _rrSent,
                RtcpPacketsReceived = _rtcpReceived,
                RtcpDropped = _rtcpDropped,
                ByesReceived = _byesReceived,
                PacketsSent = sent,
                BytesSent = sentBytes,
                PacketsReceived = received,
                BytesReceived = receivedBytes,
                PacketsLost = lost,
                Jitter = jitter,
                NackGivenUp = givenUp,
                RetransmittedPackets = _responder?.Retransmitted ?? 0,
                RetransmissionsMissed = (_responder?.Missed ?? 0) + _externalNackOverflow,
                RemoteFractionLost = reported?.FractionLost / 256.0 ?? 0,
                RemotePacketsLost = reported?.CumulativeLost ?? 0,
                RemoteJitter = reported is null ? 0 : reported.Jitter / (double)reported.ClockRate,
                RoundTripTime = reported?.RoundTripTime,
            };
        }
    }

    private int ClockRateOf(int payloadType) => _clockRates[payloadType & 0x7F] is > 0 and int rate ? rate : _options.ClockRate;

    /// <summary>A timer callback must never throw (it would end the process); a write that does not fit is skipped.</summary>
    private void Tick(bool report)
    {
        try
        {
            if (report)
            {
                SendReport();
            }
            else
            {
                SendFeedback();
                Ticked?.Invoke();
            }
        }
        catch (RtcpException)
        {
        }
    }

    /// <summary>Stops the timers and returns the send history to the pool.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _reportTimer?.Dispose();
            _feedbackTimer?.Dispose();
            _responder?.Dispose();
        }
    }
}
