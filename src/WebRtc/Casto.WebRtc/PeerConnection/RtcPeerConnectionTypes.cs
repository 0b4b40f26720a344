// Spec: https://www.w3.org/TR/webrtc/#rtcpeerconnectionstate-enum, https://www.w3.org/TR/webrtc/#rtcsdptype
namespace Casto.WebRtc.PeerConnection;

/// <summary>W3C RTCPeerConnectionState.</summary>
public enum RtcPeerConnectionState
{
    /// <summary>Descriptions are being exchanged; nothing has started.</summary>
    New,

    /// <summary>ICE and DTLS are running.</summary>
    Connecting,

    /// <summary>Media can flow.</summary>
    Connected,

    /// <summary>
    /// Connectivity is lost for now: ICE consent checks go unanswered, or media stopped arriving for
    /// <see cref="RtcPeerConnectionOptions.MediaTimeout"/>. Returns to <see cref="Connected"/> when traffic resumes,
    /// or becomes <see cref="Failed"/> when consent expires (<see cref="RtcPeerConnectionOptions.ConsentTimeout"/>).
    /// </summary>
    Disconnected,

    /// <summary>Connecting failed or consent expired; final unless closed.</summary>
    Failed,

    /// <summary>Closed by us or by the peer (DTLS close_notify); final.</summary>
    Closed,
}

/// <summary>W3C RTCSdpType (offer/answer only; no pranswer/rollback).</summary>
public enum RtcSdpType
{
    /// <summary>An offer.</summary>
    Offer,

    /// <summary>An answer.</summary>
    Answer,
}
