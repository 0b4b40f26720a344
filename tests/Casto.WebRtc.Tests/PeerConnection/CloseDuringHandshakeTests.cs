using Casto.Testing;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>
/// The DTLS server finishes its last flight before the client hears it, so it may count itself connected while the client
/// is still in the handshake. A client closed in that moment must still tell the server (BYE and close_notify once the
/// handshake ends), or the server keeps a dead connection until consent runs out.
/// </summary>
public sealed class CloseDuringHandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClientClosedWhileTheServersLastFlightIsLostStillClosesTheServer()
    {
        long firstSeen = 0;
        // The server's ChangeCipherSpec (record type 20) or any epoch-1 record (RFC 6347 §4.1) from A, the offerer (DTLS
        // server: the answer says active), is lost for the first 300 ms; the client's retransmission brings it again.
        bool LoseServerFinish(bool aToB, ReadOnlySpan<byte> d)
        {
            if (!aToB || d.Length < 13 || d[0] is < 20 or > 63 || (d[0] != 20 && (d[3] << 8 | d[4]) == 0))
            {
                return false;
            }

            long now = Environment.TickCount64;
            long first = Interlocked.CompareExchange(ref firstSeen, now, 0);
            return (first == 0 ? now : first) + 300 > now;
        }

        await using var server = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly, Audio = false });
        await using var client = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, Audio = false });
        await using var proxy = new LossyUdpProxy(new LossyUdpProxyOptions { DropRateAToB = 0, DropRateBToA = 0, DropWhen = LoseServerFinish });
        string offer = await server.CreateOfferAsync();
        server.SetLocalDescription(RtcSdpType.Offer, offer);
        client.SetRemoteDescription(RtcSdpType.Offer, LoopbackSdp.PointAt(offer, proxy.EndpointForB));
        string answer = await client.CreateAnswerAsync();
        proxy.Start(LoopbackSdp.CandidateOf(offer), LoopbackSdp.CandidateOf(answer));
        client.SetLocalDescription(RtcSdpType.Answer, answer);
        server.SetRemoteDescription(RtcSdpType.Answer, LoopbackSdp.PointAt(answer, proxy.EndpointForA));

        await server.WaitConnectedAsync().WaitAsync(Timeout);
        // The server's last flight may still be in the proxy's hands when the server says connected: wait until it is lost.
        long lostBy = Environment.TickCount64 + 5_000;
        while (proxy.DroppedAToB == 0 && Environment.TickCount64 < lostBy)
        {
            await Task.Delay(5);
        }

        Assert.True(proxy.DroppedAToB > 0, "the server's last flight never reached the proxy");
        Assert.Equal(RtcPeerConnectionState.Connecting, client.ConnectionState); // its Finished was lost: still in the handshake

        var closing = System.Diagnostics.Stopwatch.StartNew();
        long droppedAtClose = proxy.DroppedAToB;
        await client.CloseAsync().WaitAsync(Timeout);
        TimeSpan closeTook = closing.Elapsed;
        long stopAt = Environment.TickCount64 + 10_000;
        while (server.ConnectionState != RtcPeerConnectionState.Closed && Environment.TickCount64 < stopAt)
        {
            await Task.Delay(20);
        }

        Assert.True(server.GetStats().ByesReceived > 0 && server.ConnectionState == RtcPeerConnectionState.Closed,
            $"the server got the client's BYE and close_notify (close took {closeTook.TotalMilliseconds:F0} ms; dropped A→B {droppedAtClose} then {proxy.DroppedAToB}, forwarded A→B {proxy.ForwardedAToB}, B→A {proxy.ForwardedBToA}; server {server.ConnectionState})");
    }
}
