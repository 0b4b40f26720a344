using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Sdp;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Casto.WebRtc.Tests.Dtls;

/// <summary><see cref="DtlsCertificate"/> generation and the SDP fingerprint format (RFC 8122 §5).</summary>
public sealed partial class DtlsFingerprintTests
{
    [Fact]
    public void Certificate_IsEcdsaP256_AndBouncyCastleCopyHasSameDer()
    {
        DtlsCertificate cert = DtlsCertificate.Generate();
        using var x509 = X509CertificateLoader.LoadCertificate(cert.Der.ToArray());
        using System.Security.Cryptography.ECDsa? key = x509.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.True(x509.NotBefore.ToUniversalTime() < DateTime.UtcNow);
        Assert.Equal(cert.Der.ToArray(), cert.Certificate.GetDerEncoded());
        Assert.Equal(cert.Der.ToArray(), cert.Chain(new BcTlsCrypto()).GetCertificateAt(0).GetEncoded());
        Assert.True(cert.PrivateKey.IsPrivate);
    }

    [Fact]
    public void Fingerprint_FormatsLikeSdp_AndRoundTrips()
    {
        DtlsCertificate cert = DtlsCertificate.Generate();
        string text = cert.Fingerprint.ToString();
        Assert.Matches(SdpSha256(), text);
        DtlsFingerprint parsed = DtlsFingerprint.Parse(text);
        Assert.Equal(cert.Fingerprint.Value.ToArray(), parsed.Value.ToArray());
        Assert.True(parsed.Matches(cert.Der));
        Assert.False(parsed.Matches(DtlsCertificate.Generate().Der));
        Assert.True(DtlsFingerprint.Parse("a=fingerprint:" + text.ToLowerInvariant()).Matches(cert.Der));
        SdpFingerprint sdp = parsed.ToSdp();
        Assert.Equal("sha-256", sdp.HashFunction);
        Assert.True(DtlsFingerprint.FromSdp(sdp).Matches(cert.Der));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha-256")]
    [InlineData("md5 AB:CD")]
    [InlineData("sha-256 AB:CD:EF")]
    [InlineData("sha-256 ABCD:EF")]
    [InlineData("sha-1 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01")]
    [InlineData("sha-256 ZZ:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    [InlineData("sha-256 AB-CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    public void Parse_RejectsInvalid(string? text)
    {
        Assert.False(DtlsFingerprint.TryParse(text, out _));
    }

    [Fact]
    public void Parse_NeverThrows_OnRandomText()
    {
        Prop.ForAll<string>(s => DtlsFingerprint.TryParse("sha-256 " + s, out _) || true).QuickCheckThrowOnFailure();
    }

    [GeneratedRegex("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$")]
    private static partial Regex SdpSha256();
}
