using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.Sdp;

public class JsepNegotiatorTests
{
    private static JsepAnswerOptions Options() => new()
    {
        IceUfrag = "cAsT",
        IcePwd = "casto-ice-password-0123456",
        Fingerprint = new SdpFingerprint("sha-256", string.Join(':', Enumerable.Repeat("AB", 32))),
        SessionId = 42,
    };

    [Fact]
    public void Answers_the_chromium_offer()
    {
        var offer = SessionDescription.Parse(Vectors.Text("sdp/chromium-156-offer.sdp"));
        var answer = JsepNegotiator.CreateAnswer(offer, Options());

        Assert.Equal("0 1", answer.BundleGroup!.Mids); // the data channel is rejected, so not bundled
        Assert.Equal(["0", "1", "2"], answer.Media.Select(m => m.Mid));
        var audio = answer.Media[0];
        Assert.Equal(["111"], audio.Formats);
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), Assert.Single(audio.RtpMaps));
        Assert.Equal(new SdpRtcpFeedback(111, "transport-cc", null), Assert.Single(audio.RtcpFeedbacks));
        Assert.Equal(SdpSetup.Active, audio.Setup);
        Assert.Equal(SdpDirection.SendRecv, audio.Direction);
        Assert.True(audio.RtcpMux);
        Assert.Equal(("cAsT", 9), (audio.IceUfrag, audio.Port));
        Assert.Equal("urn:ietf:params:rtp-hdrext:sdes:mid", Assert.Single(audio.Extmaps).Uri);
        Assert.Equal(4, audio.Extmaps[0].Id);

        var video = answer.Media[1];
        // VP8 and the H264 packetization-mode=1 constrained-baseline entry (108), each with its RTX, in offer order.
        Assert.Equal(["96", "97", "108", "109"], video.Formats);
        Assert.Equal("apt=96", video.GetFmtp(97)!.Parameters);
        Assert.Equal("apt=108", video.GetFmtp(109)!.Parameters);
        Assert.Contains("profile-level-id=42e01f", video.GetFmtp(108)!.Parameters, StringComparison.Ordinal);
        Assert.Equal(
            [new(96, "goog-remb", null), new(96, "ccm", "fir"), new(96, "nack", null), new(96, "nack", "pli")],
            video.RtcpFeedbacks.Where(f => f.PayloadType == 96));
        Assert.DoesNotContain(video.RtcpFeedbacks, f => f.Type == "transport-cc");
        Assert.DoesNotContain(video.RtcpFeedbacks, f => f.PayloadType is 97 or 109);

        var data = answer.Media[2];
        Assert.Equal((0, "2"), (data.Port, data.Mid));

        // The answer is itself valid SDP that round-trips.
        SdpAssert.Equal(answer, SessionDescription.Parse(answer.ToString()));
    }

    [Fact]
    public void Answers_the_aiortc_offer_and_accepts_data_channels_on_request()
    {
        var offer = SessionDescription.Parse(Vectors.Text("sdp/aiortc-1.4-offer.sdp"));
        var options = Options();
        options.Candidates.Add(SdpCandidate.Parse("candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host"));
        var answer = JsepNegotiator.CreateAnswer(offer, options);
        Assert.Equal("0 1", answer.BundleGroup!.Mids);
        Assert.Equal(["96"], answer.Media[0].Formats);
        Assert.Equal(["97", "98", "101", "102"], answer.Media[1].Formats); // 99 is 42001f (baseline), not ours
        Assert.Equal(3, answer.Media[1].RtcpFeedbacks.Count(f => f.PayloadType == 101));
        Assert.Single(answer.Media[0].Candidates);
        Assert.True(answer.Media[0].EndOfCandidates);

        var chromium = SessionDescription.Parse(Vectors.Text("sdp/chromium-156-offer.sdp"));
        var withData = Options();
        withData.AcceptDataChannel = true;
        var data = JsepNegotiator.CreateAnswer(chromium, withData).Media[2];
        Assert.Equal((9, 5000, 262144L), (data.Port, data.SctpPort!.Value, data.MaxMessageSize!.Value));
    }

    [Theory]
    [InlineData(SdpDirection.SendRecv, SdpDirection.SendRecv, SdpDirection.SendRecv)]
    [InlineData(SdpDirection.SendOnly, SdpDirection.SendRecv, SdpDirection.RecvOnly)]
    [InlineData(SdpDirection.RecvOnly, SdpDirection.SendRecv, SdpDirection.SendOnly)]
    [InlineData(SdpDirection.Inactive, SdpDirection.SendRecv, SdpDirection.Inactive)]
    [InlineData(SdpDirection.SendRecv, SdpDirection.RecvOnly, SdpDirection.RecvOnly)]
    [InlineData(SdpDirection.RecvOnly, SdpDirection.RecvOnly, SdpDirection.Inactive)]
    public void Directions_are_answered(SdpDirection offered, SdpDirection local, SdpDirection expected) =>
        Assert.Equal(expected, JsepNegotiator.AnswerDirection(offered, local));

    [Fact]
    public void Setup_and_rejection_rules()
    {
        var offer = SessionDescription.Parse(Vectors.Text("sdp/aiortc-1.4-offer.sdp"));
        offer.Media[0].Setup = SdpSetup.Active;
        offer.Media[1].Setup = SdpSetup.Passive;
        offer.Media[0].Direction = SdpDirection.SendOnly;
        var answer = JsepNegotiator.CreateAnswer(offer, Options());
        Assert.Equal(SdpSetup.Passive, answer.Media[0].Setup);
        Assert.Equal(SdpSetup.Active, answer.Media[1].Setup);
        Assert.Equal(SdpDirection.RecvOnly, answer.Media[0].Direction);

        var options = Options();
        options.Codecs.Remove(JsepCodec.Opus);
        answer = JsepNegotiator.CreateAnswer(offer, options);
        Assert.Equal(0, answer.Media[0].Port);
        Assert.Equal("1", answer.BundleGroup!.Mids);

        options.Codecs.Clear();
        Assert.Equal(SdpError.Negotiation, Assert.Throws<SdpException>(() => JsepNegotiator.CreateAnswer(offer, options)).Error);
        Assert.Equal(SdpError.Negotiation, Assert.Throws<SdpException>(() => JsepNegotiator.CreateAnswer(offer, new JsepAnswerOptions())).Error);
    }
}
