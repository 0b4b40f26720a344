// Spec: https://www.w3.org/TR/webrtc/#rtcpeerconnection-interface (InvalidStateError / OperationError cases),
//       https://www.rfc-editor.org/rfc/rfc8829#section-5.5 (applying descriptions)
namespace Casto.WebRtc.PeerConnection;

/// <summary>Why a peer connection operation failed.</summary>
public enum PeerConnectionError
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

/// <summary>Thrown by the peer connection and by what is built on it (e.g. the echo server).</summary>
public sealed class PeerConnectionException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PeerConnectionException(PeerConnectionError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of failure.</summary>
    public PeerConnectionError Error { get; }
}
