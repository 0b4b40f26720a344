using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Srtp;
using static Casto.WebRtc.Tests.Srtp.SrtpTestData;

namespace Casto.WebRtc.Tests.Dtls;

/// <summary>
/// Real-peer check against OpenSSL's DTLS 1.2 (<c>openssl s_server</c> / <c>s_client</c> over loopback UDP):
/// the handshake completes, fingerprints match, and the keying material OpenSSL exports (RFC 5764 §4.2) keys
/// SRTP contexts that interoperate with ours, and our cipher-suite order wins in both roles (OpenSSL's own order puts
/// AES-256-GCM first). A missing openssl fails them (./test.sh installs it).
/// </summary>
public sealed partial class DtlsOpenSslInteropTests : IDisposable
{
    private const string OpenSsl = "/usr/bin/openssl";
    private readonly string _dir = Directory.CreateTempSubdirectory("casto-dtls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task CastoClient_WithOpenSslServer()
    {
        Requires.Program(OpenSsl, "openssl");
        (string certPath, string keyPath, DtlsFingerprint opensslFingerprint) = WriteOpenSslCertificate();
        int port = UdpDatagramPeer.FreePort();
        using Process openssl = StartOpenSsl(
            "s_server", "-dtls1_2", "-accept", $"127.0.0.1:{port}", "-mtu", "1200", "-cert", certPath, "-key", keyPath,
            "-verify", "1", "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60");
        Task<(string Cipher, string Hex)> material = ReadKeyingMaterialAsync(openssl);
        try
        {
            await using var udp = new UdpDatagramPeer(new IPEndPoint(IPAddress.Loopback, port));
            DtlsOptions options = DtlsTestPeers.Options(DtlsRole.Client, opensslFingerprint);
            using DtlsSrtpTransport client = await DtlsSrtpTransport.HandshakeAsync(options, udp.Transport);
            Assert.Equal(SrtpProfile.Aes128CmHmacSha1_80, client.SrtpProfile);
            await AssertSrtpMatchesAsync(client, material, opensslIsClient: false);
        }
        finally
        {
            openssl.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task CastoServer_WithOpenSslClient()
    {
        Requires.Program(OpenSsl, "openssl");
        (string certPath, string keyPath, DtlsFingerprint opensslFingerprint) = WriteOpenSslCertificate();
        await using var udp = new UdpDatagramPeer(remote: null);
        Task<DtlsSrtpTransport> server = DtlsSrtpTransport.HandshakeAsync(
            DtlsTestPeers.Options(DtlsRole.Server, opensslFingerprint), udp.Transport).AsTask();
        using Process openssl = StartOpenSsl(
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{udp.LocalPort}", "-mtu", "1200", "-cert", certPath, "-key", keyPath,
            "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60");
        Task<(string Cipher, string Hex)> material = ReadKeyingMaterialAsync(openssl);
        try
        {
            using DtlsSrtpTransport transport = await server;
            Assert.Equal(SrtpProfile.Aes128CmHmacSha1_80, transport.SrtpProfile);
            await AssertSrtpMatchesAsync(transport, material, opensslIsClient: true);
        }
        finally
        {
            openssl.Kill(entireProcessTree: true);
        }
    }

    private static async Task AssertSrtpMatchesAsync(
        DtlsSrtpTransport ours, Task<(string Cipher, string Hex)> opensslMaterial, bool opensslIsClient)
    {
        (string cipher, string hex) = await opensslMaterial.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("ECDHE-ECDSA-AES128-GCM-SHA256", cipher);
        (SrtpContext theirOut, SrtpContext theirIn) =
            SrtpKeyingMaterial.CreateContexts(ours.SrtpProfile, Convert.FromHexString(hex), opensslIsClient);
        using (theirOut)
        using (theirIn)
        {
            byte[] rtp = RtpPacketBytes(0xCAFE, 1, 160);
            Assert.Equal(rtp, Unprotect(theirIn, Protect(ours.Outbound, rtp)));
            byte[] back = RtpPacketBytes(0xBEEF, 9, 100, seed: 3);
            Assert.Equal(back, Unprotect(ours.Inbound, Protect(theirOut, back)));
        }
    }

    private (string Cert, string Key, DtlsFingerprint Fingerprint) WriteOpenSslCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=openssl", key, HashAlgorithmName.SHA256);
        using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string certPath = Path.Combine(_dir, "cert.pem");
        string keyPath = Path.Combine(_dir, "key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath, DtlsFingerprint.Sha256(cert.RawData));
    }

    private static Process StartOpenSsl(params string[] args)
    {
        var info = new ProcessStartInfo(OpenSsl)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        Process p = Process.Start(info)!;
        _ = p.StandardError.ReadToEndAsync();
        return p;
    }

    /// <summary>The negotiated cipher (OpenSSL's name) and the exported keying material, from OpenSSL's output.</summary>
    private static async Task<(string Cipher, string Hex)> ReadKeyingMaterialAsync(Process openssl)
    {
        var seen = new System.Text.StringBuilder();
        string cipher = "";
        while (await openssl.StandardOutput.ReadLineAsync() is string line)
        {
            seen.AppendLine(line);
            Match c = CipherLine().Match(line);
            if (c.Success)
            {
                cipher = c.Groups[1].Value;
            }

            Match m = KeyingMaterialLine().Match(line);
            if (m.Success)
            {
                return (cipher, m.Groups[1].Value);
            }
        }

        throw new InvalidOperationException("openssl exported no keying material:\n" + seen);
    }

    [GeneratedRegex("Cipher is (\\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex CipherLine();

    [GeneratedRegex("Keying material: ([0-9A-Fa-f]+)")]
    private static partial Regex KeyingMaterialLine();
}
