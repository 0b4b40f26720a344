using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>Two RtcPeerConnections on 127.0.0.1: offer/answer exchanged in-process, ICE + DTLS-SRTP, VP8 over SRTP.</summary>
public sealed class RtcPeerConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OfferAnswerConnectsAndCarriesTheVp8Clip()
    {
        await using var offerer = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly });
        await using var answerer = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly });
        var (offer, answer) = await NegotiateAsync(offerer, answerer);

        Assert.Contains("a=setup:actpass", offer, StringComparison.Ordinal);
        Assert.Contains("a=fingerprint:sha-256 ", offer, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:96 VP8/90000", offer, StringComparison.Ordinal);
        Assert.Contains("a=rtcp-fb:96 nack pli", offer, StringComparison.Ordinal);
        Assert.Contains("a=rtcp-mux", offer, StringComparison.Ordinal);
        Assert.Contains("a=mid:0", offer, StringComparison.Ordinal);
        Assert.Contains("a=msid:", offer, StringComparison.Ordinal);
        Assert.Contains($"a=ssrc:{offerer.Ssrc} cname:", offer, StringComparison.Ordinal);
        Assert.Contains("a=sendonly", offer, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", offer, StringComparison.Ordinal);
        Assert.Contains("a=setup:active", answer, StringComparison.Ordinal);
        Assert.Contains("a=recvonly", answer, StringComparison.Ordinal);
        Assert.Contains("a=ice-ufrag:", answer, StringComparison.Ordinal);

        await Task.WhenAll(offerer.WaitConnectedAsync(), answerer.WaitConnectedAsync()).WaitAsync(Timeout);
        Assert.Equal(RtcPeerConnectionState.Connected, offerer.ConnectionState);
        Assert.Equal(RtcPeerConnectionState.Connected, answerer.ConnectionState);

        var tracks = new List<RtcRemoteTrack>();
        answerer.TrackReceived += (_, t) => tracks.Add(t);
        var clip = await MediaSources.LoadDefaultVp8Async();
        int sent = 0;
        var receive = Task.Run(async () =>
        {
            var packets = new List<byte[]>();
            using var cts = new CancellationTokenSource(Timeout);
            try
            {
                while (true)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                    idle.CancelAfter(TimeSpan.FromSeconds(2));
                    packets.Add((await answerer.ReadRtpAsync(idle.Token)).ToArray());
                }
            }
            catch (OperationCanceledException)
            {
            }

            return packets;
        });

        ushort seq = 1000;
        for (int i = 0; i < clip.Count; i++)
        {
            var frame = clip[i];
            uint timestamp = (uint)(3000 + clip.Timebase.Rescale(frame.Timestamp, 90000));
            foreach (var packet in TestPackets.Vp8(frame.Data.Span, i, timestamp, offerer.Ssrc, ref seq))
            {
                await offerer.SendRtpAsync(packet);
                sent++;
            }

            await Task.Delay(1); // light pacing so the loopback socket buffers are not overrun
        }

        var received = await receive;
        Assert.True(received.Count >= sent * 9 / 10, $"received {received.Count} of {sent}");
        Assert.True(RtpPacket.TryRead(received[0], out var first, out var firstPayload));
        Assert.Equal(offerer.Ssrc, first.Ssrc);
        Assert.True(Vp8PayloadDescriptor.IsKeyframe(firstPayload));
        uint previous = first.Timestamp;
        foreach (var p in received.Skip(1))
        {
            Assert.True(RtpPacket.TryRead(p, out var h, out _));
            Assert.True(h.Timestamp >= previous, "timestamps must not go backwards");
            previous = h.Timestamp;
        }

        Assert.True(previous > first.Timestamp);
        Assert.Equal([new RtcRemoteTrack("video", offerer.Ssrc, 96)], tracks);
        Assert.Equal(tracks, answerer.RemoteTracks);
    }

    [Fact]
    public async Task GarbageRemoteSdpThrowsTypedException()
    {
        await using var pc = new RtcPeerConnection();
        var ex = Assert.Throws<PeerConnectionException>(() => pc.SetRemoteDescription(RtcSdpType.Offer, "this is not sdp\r\nx"));
        Assert.Equal(PeerConnectionError.InvalidSdp, ex.Error);
        Assert.IsAssignableFrom<IOException>(ex);

        var noVideo = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        Assert.Equal(PeerConnectionError.InvalidSdp, Assert.Throws<PeerConnectionException>(() => pc.SetRemoteDescription(RtcSdpType.Offer, noVideo)).Error);
    }

    [Fact]
    public async Task StateMisuseThrowsTypedException()
    {
        await using var pc = new RtcPeerConnection();
        Assert.Equal(PeerConnectionError.InvalidState, (await Assert.ThrowsAsync<PeerConnectionException>(() => pc.CreateAnswerAsync())).Error);
        Assert.Equal(PeerConnectionError.InvalidState, (await Assert.ThrowsAsync<PeerConnectionException>(async () => await pc.SendRtpAsync(new byte[12]))).Error);
        string offer = await pc.CreateOfferAsync();
        Assert.Equal(PeerConnectionError.InvalidState, Assert.Throws<PeerConnectionException>(() => pc.SetRemoteDescription(RtcSdpType.Offer, offer)).Error);
        await pc.CloseAsync();
        Assert.Equal(RtcPeerConnectionState.Closed, pc.ConnectionState);
        Assert.Equal(PeerConnectionError.Closed, (await Assert.ThrowsAsync<PeerConnectionException>(() => pc.CreateOfferAsync())).Error);
    }

    [Fact]
    public async Task CloseEndsBothSides()
    {
        await using var offerer = new RtcPeerConnection();
        await using var answerer = new RtcPeerConnection();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        answerer.ConnectionStateChanged += (_, s) =>
        {
            if (s == RtcPeerConnectionState.Closed)
            {
                closed.TrySetResult();
            }
        };
        await NegotiateAsync(offerer, answerer);
        await Task.WhenAll(offerer.WaitConnectedAsync(), answerer.WaitConnectedAsync()).WaitAsync(Timeout);

        await offerer.CloseAsync();
        Assert.Equal(RtcPeerConnectionState.Closed, offerer.ConnectionState);
        await closed.Task.WaitAsync(Timeout);
        Assert.Equal(RtcPeerConnectionState.Closed, answerer.ConnectionState);
        await Assert.ThrowsAsync<PeerConnectionException>(async () => await answerer.ReadRtpAsync());
        await Assert.ThrowsAsync<PeerConnectionException>(async () => await offerer.SendRtpAsync(new byte[12]));
    }

    [Fact]
    public async Task CloseByTheDtlsClientEndsTheServerToo()
    {
        await using var offerer = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly, Audio = false });
        await using var answerer = new RtcPeerConnection(new RtcPeerConnectionOptions // answers actpass with active: the DTLS client
        {
            Direction = SdpDirection.RecvOnly, ReceiveQueueCapacity = 0, RetransmissionHistorySize = 0,
        });
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        offerer.ConnectionStateChanged += (_, s) =>
        {
            if (s == RtcPeerConnectionState.Closed)
            {
                closed.TrySetResult();
            }
        };
        await NegotiateAsync(offerer, answerer);
        await Task.WhenAll(offerer.WaitConnectedAsync(), answerer.WaitConnectedAsync()).WaitAsync(Timeout);

        await answerer.CloseAsync();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(RtcPeerConnectionState.Closed, offerer.ConnectionState);
    }

    private static async Task<(string Offer, string Answer)> NegotiateAsync(RtcPeerConnection offerer, RtcPeerConnection answerer)
    {
        string offer = await offerer.CreateOfferAsync();
        offerer.SetLocalDescription(RtcSdpType.Offer, offer);
        answerer.SetRemoteDescription(RtcSdpType.Offer, offer);
        string answer = await answerer.CreateAnswerAsync();
        answerer.SetLocalDescription(RtcSdpType.Answer, answer);
        offerer.SetRemoteDescription(RtcSdpType.Answer, answer);
        return (offer, answer);
    }
}
