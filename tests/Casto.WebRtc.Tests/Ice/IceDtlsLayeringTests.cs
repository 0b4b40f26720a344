using Casto.WebRtc.Demux;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Srtp;
using Casto.WebRtc.Tests.Dtls;

namespace Casto.WebRtc.Tests.Ice;

/// <summary>DTLS-SRTP layered on the ICE agents: DTLS records go out through SendAsync and come back through Datagrams.</summary>
public sealed class IceDtlsLayeringTests
{
    [Fact]
    public async Task DtlsSrtpHandshakeRunsOverFullToLiteIce()
    {
        await using var peers = IceTestPeers.Create(IceRole.Controlling, null, IceRole.Controlled, new IceOptions { Lite = true });
        peers.Start();
        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, TimeSpan.FromSeconds(15)));

        var client = new QueuedDatagramTransport(d => peers.A.SendAsync(d), 64, 1200);
        var server = new QueuedDatagramTransport(d => peers.B.SendAsync(d), 64, 1200);
        using var stop = new CancellationTokenSource();
        var pumps = Task.WhenAll(PumpAsync(peers.A, client, stop.Token), PumpAsync(peers.B, server, stop.Token));

        var serverHandshake = DtlsSrtpTransport.HandshakeAsync(DtlsTestPeers.Options(DtlsRole.Server), server).AsTask();
        using var dtlsClient = await DtlsSrtpTransport.HandshakeAsync(DtlsTestPeers.Options(DtlsRole.Client), client);
        using var dtlsServer = await serverHandshake;
        Assert.Equal(dtlsClient.SrtpProfile, dtlsServer.SrtpProfile);
        Assert.Equal(SrtpProfile.AeadAes128Gcm, dtlsClient.SrtpProfile); // the default preference

        await stop.CancelAsync();
        await pumps;
    }

    /// <summary>The demux step an upper layer runs: DTLS to the DTLS transport, the rest (SRTP) elsewhere.</summary>
    private static async Task PumpAsync(IceAgent agent, QueuedDatagramTransport dtls, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var datagram in agent.Datagrams.ReadAllAsync(cancellationToken))
            {
                using (datagram)
                {
                    if (datagram.Kind == PacketKind.Dtls)
                    {
                        dtls.TryEnqueue(datagram.Data.Span);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
