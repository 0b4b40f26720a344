// Spec: https://www.rfc-editor.org/rfc/rfc8827#section-6.5 (self-signed DTLS certificates in WebRTC),
//       https://www.rfc-editor.org/rfc/rfc8842#section-5 (fingerprint check)
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcCertificate = Org.BouncyCastle.Tls.Certificate;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate for DTLS, as browsers generate one per peer connection. Built with the
/// BCL (<see cref="CertificateRequest"/>) and converted to BouncyCastle types via DER and PKCS#8.
/// </summary>
internal sealed class DtlsCertificate
{
    private readonly byte[] _der;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        _der = der;
        PrivateKey = privateKey;
        Certificate = X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der));
        Fingerprint = DtlsFingerprint.Sha256(der);
    }

    /// <summary>The DER encoding of the certificate.</summary>
    public ReadOnlySpan<byte> Der => _der;

    /// <summary>The SHA-256 fingerprint for <c>a=fingerprint</c>.</summary>
    public DtlsFingerprint Fingerprint { get; }

    /// <summary>The parsed certificate for BouncyCastle.</summary>
    internal X509CertificateStructure Certificate { get; }

    /// <summary>The ECDSA private key for BouncyCastle.</summary>
    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>The (D)TLS certificate chain (this one certificate) bound to a handshake's <paramref name="crypto"/>.</summary>
    internal BcCertificate Chain(BcTlsCrypto crypto) => new([new BcTlsCertificate(crypto, Certificate)]);

    /// <summary>
    /// Generates a fresh key pair and a certificate valid from one day before <paramref name="timeProvider"/>'s
    /// now (clock skew) for <paramref name="validity"/> (default 30 days).
    /// </summary>
    public static DtlsCertificate Generate(TimeProvider? timeProvider = null, TimeSpan? validity = null)
    {
        DateTimeOffset now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=casto", key, HashAlgorithmName.SHA256);
        byte[] serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F; // positive INTEGER
        serial[0] |= 0x01;
        using X509Certificate2 cert = request.Create(
            request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now.AddDays(-1), now + (validity ?? TimeSpan.FromDays(30)), serial);
        return new DtlsCertificate(cert.RawData, PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey()));
    }
}
