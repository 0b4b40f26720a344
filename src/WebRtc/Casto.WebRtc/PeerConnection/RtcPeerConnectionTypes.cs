// Spec: https://www.w3.org/TR/webrtc/#rtcpeerconnectionstate-enum, https://www.w3.org/TR/webrtc/#rtcsdptype
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>W3C RTCPeerConnectionState (no "disconnected": consent loss is reported as failed by ICE).</summary>
internal enum RtcPeerConnectionState
{
    New,
    Connecting,
    Connected,
    Failed,
    Closed,
}

/// <summary>W3C RTCSdpType (offer/answer only; no pranswer/rollback).</summary>
internal enum RtcSdpType
{
    Offer,
    Answer,
}

/// <summary>Settings for one <see cref="RtcPeerConnection"/>: a bundled VP8 video m-line and, optionally, Opus audio.</summary>
internal sealed class RtcPeerConnectionOptions
{
    /// <summary>Our wish for the video transceiver (RTCRtpTransceiverDirection).</summary>
    public SdpDirection Direction { get; set; } = SdpDirection.SendRecv;

    /// <summary>SSRC we announce in a=ssrc; the caller's RTP packets should carry it. 0 picks a random one.</summary>
    public uint Ssrc { get; set; }

    /// <summary>Also offer, or accept an offered, Opus audio section (bundled, passed through undecoded). Default true.</summary>
    public bool Audio { get; set; } = true;

    /// <summary>Capacity of the received-RTP channel; the oldest packet is dropped when full.</summary>
    public int ReceiveQueueCapacity { get; set; } = 1024;

    /// <summary>How long ICE plus DTLS may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Local addresses for host candidates.</summary>
    public IReadOnlyList<System.Net.IPAddress> LocalAddresses { get; set; } = [System.Net.IPAddress.Loopback];

    /// <summary>RTCP: report/feedback intervals, send history size, NACK limits, clock (see <see cref="Rtcp.RtcpSessionOptions"/>).</summary>
    public Rtcp.RtcpSessionOptions Rtcp { get; set; } = new();

    /// <summary>STUN/TURN servers (RTCConfiguration.iceServers), handed to the ICE agent; default none.</summary>
    public IReadOnlyList<Ice.IceServer> IceServers { get; set; } = [];

    /// <summary>RTCConfiguration.iceTransportPolicy, handed to the ICE agent; default all.</summary>
    public Ice.IceTransportPolicy IceTransportPolicy { get; set; } = Ice.IceTransportPolicy.All;
}
