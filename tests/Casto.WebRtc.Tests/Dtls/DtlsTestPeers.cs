using Casto.WebRtc.Dtls;
using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.Tests.Dtls;

/// <summary>Two in-memory datagram queues wired to each other, and option helpers.</summary>
internal static class DtlsTestPeers
{
    public static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Generate();
    public static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate();

    public static (QueuedDatagramTransport Client, QueuedDatagramTransport Server) Pipe(int mtu = 1200)
    {
        QueuedDatagramTransport? server = null;
        var client = new QueuedDatagramTransport(d => Deliver(server!, d), 64, mtu);
        server = new QueuedDatagramTransport(d => Deliver(client, d), 64, mtu);
        return (client, server);
    }

    /// <summary>A transport whose sends go nowhere (a silent or absent peer).</summary>
    public static QueuedDatagramTransport BlackHole() => new(_ => ValueTask.CompletedTask, 64, 1200);

    public static DtlsOptions Options(
        DtlsRole role, DtlsFingerprint? remote = null, TimeSpan? timeout = null, IReadOnlyList<SrtpProfile>? profiles = null)
    {
        var options = new DtlsOptions
        {
            Role = role,
            Certificate = role == DtlsRole.Client ? ClientCertificate : ServerCertificate,
            RemoteFingerprint = remote ?? (role == DtlsRole.Client ? ServerCertificate : ClientCertificate).Fingerprint,
            HandshakeTimeout = timeout ?? TimeSpan.FromSeconds(10),
        };
        if (profiles is not null)
        {
            options.SrtpProfiles = profiles;
        }

        return options;
    }

    public static async Task<(DtlsSrtpTransport Client, DtlsSrtpTransport Server)> ConnectAsync(
        DtlsOptions clientOptions, DtlsOptions serverOptions)
    {
        (QueuedDatagramTransport c, QueuedDatagramTransport s) = Pipe();
        Task<DtlsSrtpTransport> server = DtlsSrtpTransport.HandshakeAsync(serverOptions, s).AsTask();
        Task<DtlsSrtpTransport> client = DtlsSrtpTransport.HandshakeAsync(clientOptions, c).AsTask();
        return (await client, await server);
    }

    private static ValueTask Deliver(QueuedDatagramTransport to, ReadOnlyMemory<byte> datagram)
    {
        to.TryEnqueue(datagram.Span);
        return ValueTask.CompletedTask;
    }
}
