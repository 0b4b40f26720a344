// Spec: https://www.w3.org/TR/webrtc/#rtcconfiguration-dictionary
using System.Net;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Sdp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.WebRtc.PeerConnection;

/// <summary>Settings for one <see cref="RtcPeerConnection"/>: a bundled video m-line and, optionally, Opus audio.</summary>
public sealed class RtcPeerConnectionOptions
{
    /// <summary>Our wish for the video transceiver (RTCRtpTransceiverDirection). Default sendrecv.</summary>
    public SdpDirection Direction { get; set; } = SdpDirection.SendRecv;

    /// <summary>SSRC we announce in a=ssrc for video; the RTP packets we send should carry it. 0 (default) picks a random one.</summary>
    public uint Ssrc { get; set; }

    /// <summary>
    /// Video codecs we offer, or accept from an offer, in preference order; an answer carries exactly one (the first of
    /// these the offer has). H264 is packetization mode 1 (any profile in answers; constrained baseline in offers).
    /// Default VP8, then H264.
    /// </summary>
    public IReadOnlyList<RtcCodec> VideoCodecs { get; set; } = [RtcCodec.Vp8, RtcCodec.H264];

    /// <summary>Also offer, or accept an offered, Opus audio section (bundled, passed through undecoded). Default true.</summary>
    public bool Audio { get; set; } = true;

    /// <summary>
    /// Capacity of the received-RTP queue read by <see cref="RtcPeerConnection.ReadRtpAsync"/> (each packet copied;
    /// the oldest is dropped and counted when full). 0 turns the queue off: packets go only to
    /// <see cref="RtcPeerConnection.RtpReceived"/>, without a copy. Default 1024.
    /// </summary>
    public int ReceiveQueueCapacity { get; set; } = 1024;

    /// <summary>How long ICE plus DTLS may take. Default 20 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Local addresses for host candidates. Default 127.0.0.1 only.</summary>
    public IReadOnlyList<IPAddress> LocalAddresses { get; set; } = [IPAddress.Loopback];

    /// <summary>
    /// A UDP socket shared with other connections (one port for a whole relay); its address is the host candidate and
    /// <see cref="LocalAddresses"/> is unused. Default none: the connection binds its own socket per local address.
    /// </summary>
    public IceUdpMux? UdpMux { get; set; }

    /// <summary>STUN/TURN servers (RTCConfiguration.iceServers). Default none.</summary>
    public IReadOnlyList<IceServer> IceServers { get; set; } = [];

    /// <summary>RTCConfiguration.iceTransportPolicy. Default all.</summary>
    public IceTransportPolicy IceTransportPolicy { get; set; } = IceTransportPolicy.All;

    /// <summary>
    /// Once RTP has been arriving, this long without any RTP makes the connection <see cref="RtcPeerConnectionState.Disconnected"/>
    /// (checked every <c>20 ms</c>); the next packet makes it connected again. A peer that pauses its media on purpose
    /// looks disconnected too: use <see cref="Timeout.InfiniteTimeSpan"/> to rely on ICE consent only. Default 300 ms.
    /// </summary>
    public TimeSpan MediaTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Without an answer to ICE consent checks for this long the connection is disconnected (RFC 7675). Default 10 s.</summary>
    public TimeSpan ConsentDisconnectedTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Without an answer to ICE consent checks for this long consent expires and the connection fails (RFC 7675 §5.1). Default 30 s.</summary>
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sent packets kept per SSRC to answer NACKs by themselves (a power of two, 16–32768; about 1.5 KB each).
    /// 0 keeps none: NACKs are handed to <see cref="RtcPeerConnection.NackReceived"/>, as a relay that answers from one
    /// history shared by all its children wants. Default 1024.
    /// </summary>
    public int RetransmissionHistorySize { get; set; } = 1024;

    /// <summary>Clock of every timer and timestamp. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logs ICE state, DTLS results and SRTP failures. Default none (silent).</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>RTCP details for tests (intervals, NACK generator limits); the public knobs above override their fields.</summary>
    internal RtcpSessionOptions Rtcp { get; set; } = new();

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ReceiveQueueCapacity);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(LocalAddresses);
        ArgumentNullException.ThrowIfNull(IceServers);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        ArgumentNullException.ThrowIfNull(Rtcp);
        ArgumentNullException.ThrowIfNull(VideoCodecs);
        if (VideoCodecs.Count == 0 || VideoCodecs.Any(c => c == RtcCodec.Opus) || VideoCodecs.Distinct().Count() != VideoCodecs.Count)
        {
            throw new ArgumentException("VideoCodecs lists VP8 and/or H264, each once.", nameof(VideoCodecs));
        }
        if (LocalAddresses.Count == 0 && IceServers.Count == 0)
        {
            throw new ArgumentException("Need at least one local address or ICE server.", nameof(LocalAddresses));
        }

        if (MediaTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(MediaTimeout, TimeSpan.FromMilliseconds(50), nameof(MediaTimeout));
        }

        if (ConsentDisconnectedTimeout <= TimeSpan.FromSeconds(5) || ConsentTimeout < ConsentDisconnectedTimeout)
        {
            throw new ArgumentException("Need 5 s < ConsentDisconnectedTimeout <= ConsentTimeout.", nameof(ConsentTimeout));
        }

        if (RetransmissionHistorySize != 0
            && (RetransmissionHistorySize is < 16 or > 32768 || (RetransmissionHistorySize & (RetransmissionHistorySize - 1)) != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(RetransmissionHistorySize), RetransmissionHistorySize, "Must be 0 or a power of two between 16 and 32768.");
        }
    }

    /// <summary>The RTCP session options with the public knobs applied.</summary>
    internal RtcpSessionOptions EffectiveRtcp() => new()
    {
        ReportInterval = Rtcp.ReportInterval,
        FeedbackInterval = Rtcp.FeedbackInterval,
        SendHistorySize = RetransmissionHistorySize,
        MaxPacketSize = Rtcp.MaxPacketSize,
        MaxLocalStreams = Rtcp.MaxLocalStreams,
        MaxRemoteStreams = Rtcp.MaxRemoteStreams,
        ClockRate = Rtcp.ClockRate,
        MinResendInterval = Rtcp.MinResendInterval,
        Nack = Rtcp.Nack,
        TimeProvider = TimeProvider,
    };
}
