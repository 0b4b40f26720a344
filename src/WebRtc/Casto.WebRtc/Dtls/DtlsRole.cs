// Spec: https://www.rfc-editor.org/rfc/rfc5763#section-5 (a=setup decides the DTLS role)
namespace Casto.WebRtc.Dtls;

/// <summary>The DTLS role of an endpoint, from the negotiated <c>a=setup</c> attribute (RFC 5763 §5, RFC 4145).</summary>
internal enum DtlsRole
{
    /// <summary><c>a=setup:active</c>: sends the ClientHello.</summary>
    Client,

    /// <summary><c>a=setup:passive</c>: waits for the ClientHello.</summary>
    Server,
}
