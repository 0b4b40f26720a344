// Spec: https://www.rfc-editor.org/rfc/rfc6347 (DTLS 1.2), https://www.rfc-editor.org/rfc/rfc5764 (DTLS-SRTP),
//       https://www.rfc-editor.org/rfc/rfc5763#section-5 (a=setup:passive is the DTLS server)
using System.Collections;
using Org.BouncyCastle.Crypto.Tls;
using BcCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// The BouncyCastle DTLS server of a WebRTC association: ECDSA certificate, requests the client's certificate
/// (listing <c>ecdsa_sign</c>, which Chrome ≥ 124 requires), selects a use_srtp profile and checks the client's
/// certificate against its <c>a=fingerprint</c>.
/// </summary>
internal sealed class DtlsSrtpServer(DtlsSrtpNegotiation negotiation) : DefaultTlsServer
{
    private static readonly byte[] CertificateTypes = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];

    /// <summary>The shared negotiation state.</summary>
    public DtlsSrtpNegotiation Negotiation { get; } = negotiation;

    /// <inheritdoc/>
    protected override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv10;

    /// <inheritdoc/>
    protected override ProtocolVersion MaximumVersion => ProtocolVersion.DTLSv12;

    /// <inheritdoc/>
    protected override int[] GetCipherSuites() => DtlsSrtpNegotiation.CipherSuites;

    /// <inheritdoc/>
    protected override TlsSignerCredentials GetECDsaSignerCredentials() => Negotiation.SignerCredentials(mContext);

    /// <summary>Requests the client certificate so it can be checked against the fingerprint (RFC 8842 §5).</summary>
    public override CertificateRequest GetCertificateRequest()
    {
        IList? algorithms = null;
        if (TlsUtilities.IsTlsV12(mContext))
        {
            algorithms = new ArrayList
            {
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.rsa),
            };
        }

        return new CertificateRequest(CertificateTypes, algorithms, null);
    }

    /// <inheritdoc/>
    public override void NotifyClientCertificate(BcCertificate clientCertificate) => Negotiation.VerifyPeer(clientCertificate);

    /// <inheritdoc/>
    public override void ProcessClientExtensions(IDictionary clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        _selected = Negotiation.SelectFromOffer(clientExtensions);
    }

    /// <inheritdoc/>
    public override IDictionary GetServerExtensions()
    {
        IDictionary extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        TlsSRTPUtils.AddUseSrtpExtension(extensions, _selected ?? throw new TlsFatalAlert(AlertDescription.internal_error));
        return extensions;
    }

    /// <summary>Accepts clients without renegotiation_info (pion, RFC 5746 is optional for DTLS-SRTP peers).</summary>
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

    private UseSrtpData? _selected;
}
