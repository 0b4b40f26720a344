// Spec: https://www.rfc-editor.org/rfc/rfc5764#section-4.1 (use_srtp), https://www.rfc-editor.org/rfc/rfc5764#section-4.2 (key export),
//       https://www.rfc-editor.org/rfc/rfc8842#section-5 (fingerprint check)
using Casto.WebRtc.Srtp;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcCertificate = Org.BouncyCastle.Tls.Certificate;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// What the BouncyCastle client and server peers share: cipher suites, use_srtp negotiation, the fingerprint
/// check and the RFC 5764 §4.2 key export, plus the outcome the handshake thread reads afterwards.
/// </summary>
internal sealed class DtlsSrtpNegotiation(DtlsOptions options)
{
    /// <summary>ECDSA suites only (our certificate is ECDSA P-256): GCM first, CBC fallbacks for older peers.</summary>
    public static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    ];

    /// <summary>DTLS 1.2 down to 1.0; a client offering DTLS 1.3 too (Chrome) gets 1.2.</summary>
    public static readonly ProtocolVersion[] ProtocolVersions = ProtocolVersion.DTLSv12.DownTo(ProtocolVersion.DTLSv10);

    /// <summary>ECDSA with SHA-256, the one signature algorithm we sign with ((D)TLS 1.2 only; P-256 key).</summary>
    private static readonly SignatureAndHashAlgorithm EcdsaSha256 = SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private readonly DtlsCertificate _certificate = options.Certificate!;
    private readonly DtlsFingerprint _remoteFingerprint = options.RemoteFingerprint!;
    private readonly SrtpProfile[] _profiles = [.. options.SrtpProfiles];

    /// <summary>The BouncyCastle crypto provider of this handshake (OS-seeded <see cref="SecureRandom"/>).</summary>
    public BcTlsCrypto Crypto { get; } = new(new SecureRandom());

    /// <summary>The negotiated SRTP profile, once known.</summary>
    public SrtpProfile? Profile { get; private set; }

    /// <summary>The exported keying material, set when the handshake completes.</summary>
    public byte[]? KeyingMaterial { get; private set; }

    /// <summary>Whether the peer's certificate matched <see cref="DtlsOptions.RemoteFingerprint"/>.</summary>
    public bool PeerVerified { get; private set; }

    /// <summary>The description of a fatal alert received from the peer, if any.</summary>
    public short? AlertReceived { get; set; }

    /// <summary>Our certificate.</summary>
    public DtlsCertificate Certificate => _certificate;

    /// <summary>The use_srtp data the client offers: our profiles, no MKI.</summary>
    public UseSrtpData Offer() => new(Array.ConvertAll(_profiles, p => (int)p), TlsUtilities.EmptyBytes);

    /// <summary>Server side: picks our first profile that <paramref name="clientExtensions"/> offers.</summary>
    public UseSrtpData SelectFromOffer(IDictionary<int, byte[]>? clientExtensions)
    {
        UseSrtpData? offer = clientExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offer is not null)
        {
            foreach (SrtpProfile p in _profiles)
            {
                if (Array.IndexOf(offer.ProtectionProfiles, (int)p) >= 0)
                {
                    Profile = p;
                    return new UseSrtpData([(int)p], TlsUtilities.EmptyBytes);
                }
            }
        }

        throw new DtlsException(DtlsError.NoSrtpProfile, "The DTLS client offers no supported use_srtp protection profile.");
    }

    /// <summary>Client side: checks that the server selected exactly one of our profiles.</summary>
    public void AcceptSelection(IDictionary<int, byte[]>? serverExtensions)
    {
        UseSrtpData? selected = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (selected?.ProtectionProfiles is not [int p] || Array.IndexOf(_profiles, (SrtpProfile)p) < 0)
        {
            throw new DtlsException(DtlsError.NoSrtpProfile, "The DTLS server did not select one of our use_srtp protection profiles.");
        }

        Profile = (SrtpProfile)p;
    }

    /// <summary>Checks the peer's end-entity certificate against the SDP fingerprint (RFC 8842 §5).</summary>
    public void VerifyPeer(BcCertificate? peer)
    {
        if (peer is null || peer.IsEmpty)
        {
            throw new DtlsException(DtlsError.FingerprintMismatch, "The DTLS peer sent no certificate.");
        }

        if (!_remoteFingerprint.Matches(peer.GetCertificateAt(0).GetEncoded()))
        {
            throw new DtlsException(DtlsError.FingerprintMismatch, "The DTLS peer's certificate does not match its a=fingerprint.");
        }

        PeerVerified = true;
    }

    /// <summary>ECDSA/SHA-256 signer credentials for our certificate (the algorithm is only sent in (D)TLS 1.2).</summary>
    public TlsCredentialedSigner SignerCredentials(TlsContext context) =>
        new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(context),
            Crypto,
            _certificate.PrivateKey,
            _certificate.Chain(Crypto),
            TlsUtilities.IsTlsV12(context) ? EcdsaSha256 : null);

    /// <summary>Exports 2 × (key + salt) bytes with label "EXTRACTOR-dtls_srtp" (RFC 5764 §4.2). Call from NotifyHandshakeComplete.</summary>
    public void Export(TlsContext context)
    {
        if (Profile is SrtpProfile profile)
        {
            KeyingMaterial = context.ExportKeyingMaterial(SrtpKeyingMaterial.ExporterLabel, null, profile.KeyingMaterialLength());
        }
    }
}
