// Spec: https://www.rfc-editor.org/rfc/rfc6347 (DTLS 1.2), https://www.rfc-editor.org/rfc/rfc8842 (fingerprints)
namespace Casto.WebRtc.Dtls;

/// <summary>Why a DTLS-SRTP association failed.</summary>
public enum DtlsError
{
    /// <summary>The handshake did not finish within <c>DtlsOptions.HandshakeTimeout</c> (e.g. a silent peer).</summary>
    HandshakeTimeout,
    /// <summary>The peer's certificate does not match the <c>a=fingerprint</c> it announced, or it sent none (RFC 8842 §5).</summary>
    FingerprintMismatch,
    /// <summary>The peer sent a fatal alert.</summary>
    AlertReceived,
    /// <summary>The handshake failed locally (protocol error, unsupported parameters, malformed messages).</summary>
    HandshakeFailed,
    /// <summary>The peer did not negotiate a supported <c>use_srtp</c> protection profile (RFC 5764 §4.1).</summary>
    NoSrtpProfile,
    /// <summary>The transport was closed or the operation was canceled.</summary>
    Closed,
}

/// <summary>Thrown when a DTLS handshake or DTLS transport operation fails; <see cref="Error"/> says why.</summary>
public sealed class DtlsException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DtlsException(DtlsError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public DtlsError Error { get; }
}
