// Spec: https://www.rfc-editor.org/rfc/rfc6347 (DTLS 1.2), https://www.rfc-editor.org/rfc/rfc5764 (DTLS-SRTP),
//       https://www.rfc-editor.org/rfc/rfc5763#section-5 (a=setup:active is the DTLS client)
using Org.BouncyCastle.Tls;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// The BouncyCastle DTLS client of a WebRTC association: offers use_srtp, authenticates with our certificate
/// and checks the server's certificate against its <c>a=fingerprint</c>.
/// </summary>
internal sealed class DtlsSrtpClient(DtlsSrtpNegotiation negotiation) : DefaultTlsClient(negotiation.Crypto)
{
    /// <summary>The shared negotiation state.</summary>
    public DtlsSrtpNegotiation Negotiation { get; } = negotiation;

    /// <inheritdoc/>
    protected override ProtocolVersion[] GetSupportedVersions() => DtlsSrtpNegotiation.ProtocolVersions;

    /// <inheritdoc/>
    protected override int[] GetSupportedCipherSuites() => DtlsSrtpNegotiation.CipherSuites;

    /// <summary>The peer is authenticated by its fingerprint, not by how its self-signed certificate is signed.</summary>
    public override bool ShouldCheckSigAlgOfPeerCerts() => false;

    /// <inheritdoc/>
    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, Negotiation.Offer());
        return extensions;
    }

    /// <inheritdoc/>
    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
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
    public override void NotifyAlertReceived(short alertLevel, short alertDescription)
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
        Negotiation.Export(m_context);
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client.Negotiation.VerifyPeer(serverCertificate.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client.Negotiation.SignerCredentials(client.m_context);
    }
}
