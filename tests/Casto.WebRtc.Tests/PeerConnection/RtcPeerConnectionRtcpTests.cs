using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;
using Xunit.Abstractions;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>RTCP end to end: two RtcPeerConnections through a lossy UDP proxy on loopback; NACK recovery, PLI, fuzz.</summary>
public sealed class RtcPeerConnectionRtcpTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(0.05, 0.99)]
    public async Task Nack_recovers_packet_loss_through_a_lossy_proxy(double loss, double minDelivered)
    {
        var result = await LossyPeerRun.RunAsync(loss, LossyUdpProxyDrop.All, packets: 3000, Timeout);
        output.WriteLine(result.ToString());
        Assert.True(result.Delivered >= minDelivered, $"delivered {result.Delivered:P2}");
        Assert.True(result.Sender.NacksReceived > 0);
        Assert.True(result.Sender.RetransmittedPackets > 0);
        Assert.True(result.Receiver.NacksSent > 0);
        Assert.True(result.Receiver.NackedPacketsRequested >= result.Sender.RetransmittedPackets / 2);
        Assert.True(result.Receiver.PacketsReceived >= result.Unique);
        Assert.True(result.Receiver.ReceiverReportsSent > 0);
        Assert.True(result.Sender.SenderReportsSent > 0);
        Assert.True(result.KeyFrameRequested, "PLI from RequestKeyFrameAsync raised KeyFrameRequested on the sender");
        Assert.True(result.Receiver.PlisSent >= 1);
    }

    [Fact]
    public async Task Random_rtcp_into_the_receive_path_is_counted_and_never_breaks_the_connection()
    {
        await using var a = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendRecv });
        await using var b = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendRecv });
        string offer = await a.CreateOfferAsync();
        a.SetLocalDescription(RtcSdpType.Offer, offer);
        b.SetRemoteDescription(RtcSdpType.Offer, offer);
        string answer = await b.CreateAnswerAsync();
        b.SetLocalDescription(RtcSdpType.Answer, answer);
        a.SetRemoteDescription(RtcSdpType.Answer, answer);
        await Task.WhenAll(a.WaitConnectedAsync(), b.WaitConnectedAsync()).WaitAsync(Timeout);

        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            byte[] rtcp = new byte[random.Next(8, 200)];
            random.NextBytes(rtcp);
            rtcp[0] = (byte)(0x80 | (rtcp[0] & 0x3F)); // version 2 so SRTCP protects it
            rtcp[1] = (byte)random.Next(192, 224); // RTCP range so the demux hands it to the RTCP path
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(rtcp.AsSpan(4), a.Ssrc); // SRTCP keeps per-SSRC state (bounded)
            a.SendRawRtcp(rtcp);
            if (i % 100 == 0)
            {
                await Task.Delay(1);
            }
        }

        // A well-formed compound still works afterwards: RR + PLI → KeyFrameRequested on A.
        var requested = new TaskCompletionSource<KeyFrameRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.KeyFrameRequested += (_, r) => requested.TrySetResult(r);
        await b.SendRtpAsync(Rtp(b.Ssrc, 1));
        await a.SendRtpAsync(Rtp(a.Ssrc, 1));
        await WaitUntilAsync(() => b.GetStats().PacketsReceived > 0);
        await b.RequestKeyFrameAsync();
        Assert.Equal(a.Ssrc, (await requested.Task.WaitAsync(Timeout)).MediaSsrc);

        await WaitUntilAsync(() => b.GetStats().RtcpDropped + b.GetStats().RtcpPacketsReceived >= 2000);
        var stats = b.GetStats();
        output.WriteLine($"received {stats.RtcpPacketsReceived} compounds, dropped {stats.RtcpDropped}, undecryptable {stats.UndecryptablePackets}");
        Assert.True(stats.RtcpDropped > 1000);
        Assert.Equal(RtcPeerConnectionState.Connected, b.ConnectionState);
        Assert.Equal(RtcPeerConnectionState.Connected, a.ConnectionState);

        // Closing sends RTCP BYE (before DTLS close_notify); stats stay readable after close.
        await a.CloseAsync();
        await WaitUntilAsync(() => b.ConnectionState == RtcPeerConnectionState.Closed);
        Assert.Equal(1, b.GetStats().ByesReceived);
    }

    private static byte[] Rtp(uint ssrc, ushort seq)
    {
        var header = new RtpHeader { PayloadType = 96, SequenceNumber = seq, Timestamp = 1000, Ssrc = ssrc };
        byte[] packet = new byte[RtpPacket.GetSize(header, 10)];
        RtpPacket.Write(header, new byte[10], packet);
        return packet;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(20, cts.Token);
        }
    }
}
