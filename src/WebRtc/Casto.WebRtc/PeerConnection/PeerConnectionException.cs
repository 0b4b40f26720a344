// Spec: https://www.w3.org/TR/webrtc/#rtcpeerconnection-interface (InvalidStateError / OperationError cases),
//       https://www.rfc-editor.org/rfc/rfc8829#section-5.5 (applying descriptions)
namespace Casto.WebRtc.PeerConnection;

/// <summary>Why a <see cref="RtcPeerConnection"/> operation failed.</summary>
internal enum PeerConnectionError
{
    /// <summary>The session description could not be parsed or lacks what we need (ICE, fingerprint, VP8 video).</summary>
    InvalidSdp,

    /// <summary>The call is not allowed in the current signaling/connection state.</summary>
    InvalidState,

    /// <summary>The connection is closed.</summary>
    Closed,

    /// <summary>ICE or DTLS failed, or timed out.</summary>
    ConnectFailed,
}

/// <summary>Thrown by <see cref="RtcPeerConnection"/>.</summary>
internal sealed class PeerConnectionException : IOException
{
    public PeerConnectionException(PeerConnectionError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    public PeerConnectionError Error { get; }
}
