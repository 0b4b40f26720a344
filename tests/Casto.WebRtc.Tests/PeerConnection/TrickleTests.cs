using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>Descriptions without candidates, candidates trickled with AddIceCandidate (RFC 8838).</summary>
public sealed class TrickleTests
{
    private static (string Sdp, List<string> Candidates) Strip(string sdp)
    {
        var lines = sdp.Split("\r\n");
        var candidates = lines.Where(l => l.StartsWith("a=candidate:", StringComparison.Ordinal)).Select(l => l[2..]).ToList();
        var rest = lines.Where(l => !l.StartsWith("a=candidate:", StringComparison.Ordinal) && l != "a=end-of-candidates");
        return (string.Join("\r\n", rest), candidates);
    }

    [Fact]
    public async Task Trickled_candidates_connect()
    {
        await using var offerer = new RtcPeerConnection();
        await using var answerer = new RtcPeerConnection();
        string offer = await offerer.CreateOfferAsync();
        offerer.SetLocalDescription(RtcSdpType.Offer, offer);
        var (bareOffer, offerCandidates) = Strip(offer);
        answerer.SetRemoteDescription(RtcSdpType.Offer, bareOffer);
        string answer = await answerer.CreateAnswerAsync();
        answerer.SetLocalDescription(RtcSdpType.Answer, answer);
        var (bareAnswer, answerCandidates) = Strip(answer);
        offerer.SetRemoteDescription(RtcSdpType.Answer, bareAnswer);

        Assert.NotEmpty(offerCandidates);
        foreach (var c in offerCandidates)
        {
            answerer.AddIceCandidate(c);
        }

        foreach (var c in answerCandidates)
        {
            offerer.AddIceCandidate("a=" + c);
        }

        offerer.AddIceCandidate(null);
        answerer.AddIceCandidate("");
        await Task.WhenAll(offerer.WaitConnectedAsync(), answerer.WaitConnectedAsync()).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Bad_and_unusable_candidates()
    {
        await using var pc = new RtcPeerConnection();
        Assert.Equal(PeerConnectionError.InvalidState, Assert.Throws<PeerConnectionException>(() => pc.AddIceCandidate("candidate:1 1 udp 1 127.0.0.1 9 typ host")).Error);

        await using var offerer = new RtcPeerConnection();
        pc.SetRemoteDescription(RtcSdpType.Offer, Strip(await offerer.CreateOfferAsync()).Sdp);
        Assert.Equal(PeerConnectionError.InvalidSdp, Assert.Throws<PeerConnectionException>(() => pc.AddIceCandidate("candidate:garbage")).Error);
        pc.AddIceCandidate("candidate:1 1 tcp 1 127.0.0.1 9 typ host tcptype passive"); // ignored
        pc.AddIceCandidate("candidate:1 1 udp 1 3f6a1c2e-0000-4000-8000-000000000000.local 9 typ host"); // ignored
        pc.AddIceCandidate("candidate:1 2 udp 1 127.0.0.1 9 typ host"); // RTCP component: ignored
        Prop.ForAll<string>(s =>
        {
            try
            {
                pc.AddIceCandidate(s);
            }
            catch (PeerConnectionException ex) when (ex.Error == PeerConnectionError.InvalidSdp)
            {
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }
}
