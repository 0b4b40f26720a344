using Casto.WebRtc.Ice;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;
using Casto.WebRtc.Tests.Turn;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>Two peer connections that may only use relayed candidates (iceTransportPolicy "relay") through coturn.</summary>
public sealed class TurnPeerConnectionTests
{
    [Fact]
    public async Task Relay_only_peers_connect_through_coturn_and_carry_video()
    {
        await using var server = await CoturnServer.StartAsync();

        RtcPeerConnectionOptions Options(SdpDirection direction) => new()
        {
            Direction = direction,
            IceServers = [new IceServer($"turn:127.0.0.1:{server.EndPoint.Port}?transport=udp", CoturnServer.User, CoturnServer.Password)],
            IceTransportPolicy = IceTransportPolicy.Relay,
        };
        await using var offerer = new RtcPeerConnection(Options(SdpDirection.SendOnly));
        await using var answerer = new RtcPeerConnection(Options(SdpDirection.RecvOnly));
        var gathered = new List<SdpCandidate>();
        offerer.IceCandidateGathered += (_, c) => gathered.Add(c);

        string offer = await offerer.CreateOfferAsync();
        Assert.Contains("typ relay", offer, StringComparison.Ordinal);
        Assert.DoesNotContain("typ host", offer, StringComparison.Ordinal);
        Assert.Contains(gathered, c => c.Type == SdpCandidateType.Relay);
        offerer.SetLocalDescription(RtcSdpType.Offer, offer);
        answerer.SetRemoteDescription(RtcSdpType.Offer, offer);
        string answer = await answerer.CreateAnswerAsync();
        Assert.Contains("typ relay", answer, StringComparison.Ordinal);
        answerer.SetLocalDescription(RtcSdpType.Answer, answer);
        offerer.SetRemoteDescription(RtcSdpType.Answer, answer);
        await Task.WhenAll(offerer.WaitConnectedAsync(), answerer.WaitConnectedAsync()).WaitAsync(TimeSpan.FromSeconds(30));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clip = await MediaSources.LoadDefaultVp8Async();
        var sending = RtcClipSender.SendAsync(offerer, clip, loop: true, cancellationToken: cts.Token);
        for (int i = 0; i < 50; i++)
        {
            var packet = await answerer.ReadRtpAsync(cts.Token);
            Assert.True(RtpPacket.TryRead(packet.Span, out var header, out _));
            Assert.Equal(offerer.Ssrc, header.Ssrc);
        }

        await cts.CancelAsync();
        await sending;
    }
}
