// Spec: https://www.rfc-editor.org/rfc/rfc6347 (DTLS 1.2), https://www.rfc-editor.org/rfc/rfc5764 (DTLS-SRTP),
//       https://www.rfc-editor.org/rfc/rfc5763#section-5 (a=setup:passive is the DTLS server)
using Org.BouncyCastle.Tls;
using BcCertificate = Org.BouncyCastle.Tls.Certificate;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// The BouncyCastle DTLS server of a WebRTC association: ECDSA certificate, requests the client's certificate
/// (listing <c>ecdsa_sign</c>, which Chrome ≥ 124 requires), selects a use_srtp profile and checks the client's
/// certificate against its <c>a=fingerprint</c>.
/// </summary>
internal sealed class DtlsSrtpServer(DtlsSrtpNegotiation negotiation) : DefaultTlsServer(negotiation.Crypto)
{
    private static readonly short[] CertificateTypes = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];

    private static readonly SignatureAndHashAlgorithm[] ClientSignatureAlgorithms =
    [
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha1, SignatureAlgorithm.rsa),
    ];

    /// <summary>The shared negotiation state.</summary>
    public DtlsSrtpNegotiation Negotiation { get; } = negotiation;

    /// <inheritdoc/>
    protected override ProtocolVersion[] GetSupportedVersions() => DtlsSrtpNegotiation.ProtocolVersions;

    /// <inheritdoc/>
    protected override int[] GetSupportedCipherSuites() => DtlsSrtpNegotiation.CipherSuites;

    /// <summary>Our order of <see cref="DtlsSrtpNegotiation.CipherSuites"/> wins (GCM first), not the client's.</summary>
    protected override bool PreferLocalCipherSuites() => true;

    /// <summary>The peer is authenticated by its fingerprint, not by how its self-signed certificate is signed.</summary>
    public override bool ShouldCheckSigAlgOfPeerCerts() => false;

    /// <inheritdoc/>
    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => Negotiation.SignerCredentials(m_context);

    /// <summary>
    /// Requests the client certificate so it can be checked against the fingerprint (RFC 8842 §5); signature
    /// algorithms are listed in (D)TLS 1.2 only. A fresh list each time: BouncyCastle keeps it in the session state.
    /// </summary>
    public override CertificateRequest GetCertificateRequest() =>
        new(CertificateTypes, TlsUtilities.IsTlsV12(m_context) ? [.. ClientSignatureAlgorithms] : null, null);

    /// <inheritdoc/>
    public override void NotifyClientCertificate(BcCertificate clientCertificate) => Negotiation.VerifyPeer(clientCertificate);

    /// <inheritdoc/>
    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        _selected = Negotiation.SelectFromOffer(clientExtensions);
    }

    /// <inheritdoc/>
    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, _selected ?? throw new TlsFatalAlert(AlertDescription.internal_error));
        return extensions;
    }

    /// <summary>Accepts clients without renegotiation_info (pion, RFC 5746 is optional for DTLS-SRTP peers).</summary>
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

    private UseSrtpData? _selected;
}
