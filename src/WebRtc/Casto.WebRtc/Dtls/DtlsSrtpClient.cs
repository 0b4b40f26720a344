// Spec: https://www.rfc-editor.org/rfc/rfc6347 (DTLS 1.2), https://www.rfc-editor.org/rfc/rfc5764 (DTLS-SRTP),
//       https://www.rfc-editor.org/rfc/rfc5763#section-5 (a=setup:active is the DTLS client)
using System.Collections;
using Org.BouncyCastle.Crypto.Tls;
using BcCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// The BouncyCastle DTLS client of a WebRTC association: offers use_srtp, authenticates with our certificate
/// and checks the server's certificate against its <c>a=fingerprint</c>.
/// </summary>
internal sealed class DtlsSrtpClient(DtlsSrtpNegotiation negotiation) : DefaultTlsClient
{
    /// <summary>The shared negotiation state.</summary>
    public DtlsSrtpNegotiation Negotiation { get; } = negotiation;

    /// <inheritdoc/>
    public override ProtocolVersion ClientVersion => ProtocolVersion.DTLSv12;

    /// <inheritdoc/>
    public override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv10;

    /// <inheritdoc/>
    public override int[] GetCipherSuites() => DtlsSrtpNegotiation.CipherSuites;

    /// <inheritdoc/>
    public override IDictionary GetClientExtensions()
    {
        IDictionary extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSRTPUtils.AddUseSrtpExtension(extensions, Negotiation.Offer());
        return extensions;
    }

    /// <inheritdoc/>
    public override void ProcessServerExtensions(IDictionary serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        Negotiation.AcceptSelection(serverExtensions);
    }

    /// <inheritdoc/>
    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    /// <summary>Accepts servers without renegotiation_info (RFC 5746 is optional for DTLS-SRTP peers).</summary>
    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
    }

    /// <inheritdoc/>
    public override void NotifyAlertReceived(byte alertLevel, byte alertDescription)
    {
        if (alertLevel == AlertLevel.fatal)
        {
            Negotiation.AlertReceived = alertDescription;
        }
    }

    /// <inheritdoc/>
    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Negotiation.Export(mContext);
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(BcCertificate serverCertificate) => client.Negotiation.VerifyPeer(serverCertificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client.Negotiation.SignerCredentials(client.mContext);
    }
}
