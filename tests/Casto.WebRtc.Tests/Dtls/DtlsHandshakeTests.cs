using Casto.WebRtc.Dtls;
using Casto.WebRtc.Srtp;
using static Casto.WebRtc.Tests.Dtls.DtlsTestPeers;
using static Casto.WebRtc.Tests.Srtp.SrtpTestData;

namespace Casto.WebRtc.Tests.Dtls;

/// <summary>C#↔C# DTLS-SRTP handshakes over in-memory datagram queues.</summary>
public sealed class DtlsHandshakeTests
{
    [Theory]
    [InlineData((int)SrtpProfile.Aes128CmHmacSha1_80)]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    public async Task Handshake_DerivesInteroperableSrtpContexts(int preferredProfile)
    {
        var preferred = (SrtpProfile)preferredProfile;
        SrtpProfile[] profiles = [preferred, SrtpProfile.Aes128CmHmacSha1_80];
        (DtlsSrtpTransport client, DtlsSrtpTransport server) =
            await ConnectAsync(Options(DtlsRole.Client, profiles: profiles), Options(DtlsRole.Server, profiles: profiles));
        using (client)
        using (server)
        {
            Assert.Equal(preferred, client.SrtpProfile);
            Assert.Equal(preferred, server.SrtpProfile);
            Assert.Equal(DtlsRole.Client, client.Role);
            Assert.Equal(DtlsRole.Server, server.Role);

            for (ushort seq = 1; seq < 5; seq++)
            {
                byte[] rtp = RtpPacketBytes(0x1234, seq, 100, seed: (byte)seq);
                Assert.Equal(rtp, Unprotect(server.Inbound, Protect(client.Outbound, rtp)));
                byte[] back = RtpPacketBytes(0x5678, seq, 80, seed: (byte)(seq + 7));
                Assert.Equal(back, Unprotect(client.Inbound, Protect(server.Outbound, back)));
                byte[] rtcp = RtcpPacketBytes(0x1234);
                Assert.Equal(rtcp, UnprotectRtcp(client.Inbound, ProtectRtcp(server.Outbound, rtcp)));
            }

            // Each side's write keys differ: a packet protected by the client cannot be read with the client's inbound keys.
            Assert.Null(Unprotect(client.Inbound, Protect(client.Outbound, RtpPacketBytes(0x9999, 1, 10))));
        }
    }

    [Fact]
    public async Task Handshake_WithSmallMtu_FragmentsAndSucceeds()
    {
        (QueuedDatagramTransport c, QueuedDatagramTransport s) = Pipe(mtu: 300);
        DtlsOptions co = Options(DtlsRole.Client);
        DtlsOptions so = Options(DtlsRole.Server);
        Task<DtlsSrtpTransport> server = DtlsSrtpTransport.HandshakeAsync(so, s).AsTask();
        using DtlsSrtpTransport client = await DtlsSrtpTransport.HandshakeAsync(co, c);
        using DtlsSrtpTransport srv = await server;
        Assert.Equal(SrtpProfile.AeadAes128Gcm, srv.SrtpProfile); // the default preference
    }

    [Fact]
    public async Task ApplicationData_RoundTripsOverDtlsTransport()
    {
        (DtlsSrtpTransport client, DtlsSrtpTransport server) = await ConnectAsync(Options(DtlsRole.Client), Options(DtlsRole.Server));
        using (client)
        using (server)
        {
            byte[] hello = [.. "hello over DTLS"u8];
            client.Transport.Send(hello, 0, hello.Length);
            byte[] buffer = new byte[2048];
            int n = await Task.Run(() => server.Transport.Receive(buffer, 0, buffer.Length, 5000));
            Assert.Equal(hello, buffer[..n]);

            byte[] reply = new byte[1000];
            Random.Shared.NextBytes(reply);
            server.Transport.Send(reply, 0, reply.Length);
            n = await Task.Run(() => client.Transport.Receive(buffer, 0, buffer.Length, 5000));
            Assert.Equal(reply, buffer[..n]);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FingerprintMismatch_FailsWithTypedError(bool clientChecksWrongFingerprint)
    {
        DtlsRole checkingRole = clientChecksWrongFingerprint ? DtlsRole.Client : DtlsRole.Server;
        DtlsFingerprint wrong = DtlsCertificate.Generate().Fingerprint;
        DtlsOptions co = Options(DtlsRole.Client, checkingRole == DtlsRole.Client ? wrong : null, TimeSpan.FromSeconds(5));
        DtlsOptions so = Options(DtlsRole.Server, checkingRole == DtlsRole.Server ? wrong : null, TimeSpan.FromSeconds(5));
        (QueuedDatagramTransport c, QueuedDatagramTransport s) = Pipe();
        Task<DtlsSrtpTransport> server = DtlsSrtpTransport.HandshakeAsync(so, s).AsTask();
        Task<DtlsSrtpTransport> client = DtlsSrtpTransport.HandshakeAsync(co, c).AsTask();

        DtlsException checker = await Assert.ThrowsAsync<DtlsException>(() => checkingRole == DtlsRole.Client ? client : server);
        Assert.Equal(DtlsError.FingerprintMismatch, checker.Error);
        DtlsException other = await Assert.ThrowsAsync<DtlsException>(() => checkingRole == DtlsRole.Client ? server : client);
        Assert.NotEqual(DtlsError.FingerprintMismatch, other.Error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SilentPeer_TimesOut(bool client)
    {
        DtlsRole role = client ? DtlsRole.Client : DtlsRole.Server;
        var started = DateTime.UtcNow;
        DtlsException e = await Assert.ThrowsAsync<DtlsException>(
            () => DtlsSrtpTransport.HandshakeAsync(Options(role, timeout: TimeSpan.FromMilliseconds(700)), BlackHole()).AsTask());
        Assert.Equal(DtlsError.HandshakeTimeout, e.Error);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cancellation_AbortsWithClosed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        DtlsException e = await Assert.ThrowsAsync<DtlsException>(
            () => DtlsSrtpTransport.HandshakeAsync(Options(DtlsRole.Server), BlackHole(), cts.Token).AsTask());
        Assert.Equal(DtlsError.Closed, e.Error);
    }

    [Fact]
    public async Task RandomGarbage_IsIgnored_AndHandshakeStillSucceeds()
    {
        (QueuedDatagramTransport c, QueuedDatagramTransport s) = Pipe();
        var random = new Random(42);
        for (int i = 0; i < 20; i++)
        {
            byte[] junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            junk[0] = (byte)random.Next(20, 64);
            s.TryEnqueue(junk);
        }

        Task<DtlsSrtpTransport> server = DtlsSrtpTransport.HandshakeAsync(Options(DtlsRole.Server), s).AsTask();
        using DtlsSrtpTransport client = await DtlsSrtpTransport.HandshakeAsync(Options(DtlsRole.Client), c);
        using DtlsSrtpTransport srv = await server;
        Assert.Equal(client.SrtpProfile, srv.SrtpProfile);
    }

    [Fact]
    public async Task PlausibleGarbageRecords_FailTypedOrAreIgnored()
    {
        var random = new Random(7);
        for (int round = 0; round < 10; round++)
        {
            QueuedDatagramTransport s = BlackHole();
            byte[] body = new byte[random.Next(0, 200)];
            random.NextBytes(body);
            // A DTLS 1.2 handshake record header (epoch 0, seq 0) around random bytes.
            byte[] record = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, (byte)(body.Length >> 8), (byte)body.Length, .. body];
            s.TryEnqueue(record);
            DtlsException e = await Assert.ThrowsAsync<DtlsException>(
                () => DtlsSrtpTransport.HandshakeAsync(Options(DtlsRole.Server, timeout: TimeSpan.FromMilliseconds(300)), s).AsTask());
            Assert.True(e.Error is DtlsError.HandshakeFailed or DtlsError.HandshakeTimeout, e.ToString());
        }
    }

    [Fact]
    public void Options_Validate()
    {
        Assert.Throws<ArgumentException>(() => new DtlsOptions().Validate());
        DtlsOptions o = Options(DtlsRole.Client);
        o.Validate();
        o.Mtu = 100;
        Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
        o = Options(DtlsRole.Client, timeout: TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
        o = Options(DtlsRole.Client, profiles: []);
        Assert.Throws<ArgumentException>(o.Validate);
    }

    [Fact]
    public void Queue_DropsWhenFullOrOversize()
    {
        var q = new QueuedDatagramTransport(_ => ValueTask.CompletedTask, 2, 1200);
        Assert.True(q.TryEnqueue([22, 1]));
        Assert.True(q.TryEnqueue([22, 2]));
        Assert.False(q.TryEnqueue([22, 3]));
        Assert.False(q.TryEnqueue(new byte[QueuedDatagramTransport.MaxDatagramSize + 1]));
        Assert.Equal(2, q.Dropped);
        byte[] buf = new byte[10];
        Assert.Equal(2, q.Receive(buf, 0, buf.Length, 0));
        Assert.Equal(1, buf[1]);
        q.Close();
        Assert.Throws<DtlsException>(() => q.Receive(buf, 0, buf.Length, 0));
    }
}
