using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.Sdp;

/// <summary>Real offers parse, serialize with CRLF and parse back to the same model.</summary>
public class SdpParserTests
{
    public static TheoryData<string> Offers => ["sdp/chromium-156-offer.sdp", "sdp/aiortc-1.4-offer.sdp"];

    [Theory]
    [MemberData(nameof(Offers))]
    public void Offers_round_trip(string file)
    {
        var text = Vectors.Text(file);
        var first = SessionDescription.Parse(text);
        var written = first.ToString();
        Assert.DoesNotContain("\n", written.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var second = SessionDescription.Parse(written);
        SdpAssert.Equal(first, second);
        Assert.Equal(written, second.ToString());

        // LF-only and CRLF input give the same model.
        SdpAssert.Equal(first, SessionDescription.Parse(text.Replace("\r\n", "\n", StringComparison.Ordinal)));
        SdpAssert.Equal(first, SessionDescription.Parse(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void Chromium_offer_model()
    {
        var sdp = SessionDescription.Parse(Vectors.Text("sdp/chromium-156-offer.sdp"));
        Assert.Equal("4611731400430051336", sdp.Origin.SessionId);
        Assert.Equal("0 1 2", sdp.BundleGroup!.Mids);
        Assert.Equal(" WMS 3b7e64f1-5c2a-4c8e-9d1f-6a0b2c3d4e5f", sdp.MsidSemantic);
        Assert.Equal(new SdpAttribute("extmap-allow-mixed", null), Assert.Single(sdp.Attributes));
        Assert.Equal(3, sdp.Media.Count);

        var audio = sdp.Media[0];
        Assert.Equal(("audio", 54400, "0"), (audio.Kind, audio.Port, audio.Mid));
        Assert.Equal(["111", "63", "9", "0", "8", "13", "110", "126"], audio.Formats);
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), audio.GetRtpMap(111));
        Assert.Equal("1", audio.GetFmtp(111)!.ToDictionary()["useinbandfec"]);
        Assert.Equal(new SdpRtpMap(126, "telephone-event", 8000, null), audio.GetRtpMap(126));
        Assert.Equal(SdpDirection.SendRecv, audio.Direction);
        Assert.True(audio.RtcpMux && audio.RtcpRsize);
        Assert.Equal(("Kq3z", "p1Xr9Vb2mN8cL4tY7wQ0eS5d", "trickle"), (audio.IceUfrag, audio.IcePwd, audio.IceOptions));
        Assert.Equal(SdpSetup.ActPass, audio.Setup);
        Assert.Equal("sha-256", Assert.Single(audio.Fingerprints).HashFunction);
        Assert.Equal(new SdpAttribute("rtcp", "9 IN IP4 0.0.0.0"), Assert.Single(audio.Attributes));
        Assert.Equal(3, audio.Candidates.Count);
        Assert.Equal(new SdpCandidate("1467250027", 1, "udp", 2122260223, "127.0.0.1", 54400, SdpCandidateType.Host) { Generation = 0, NetworkId = 1 }, audio.Candidates[0]);
        Assert.Equal("active", audio.Candidates[2].TcpType);
        Assert.Equal(2, audio.Ssrcs.Count);

        var video = sdp.Media[1];
        Assert.Equal(23, video.Formats.Count);
        Assert.Equal(new SdpRtpMap(45, "AV1", 90000, null), video.GetRtpMap(45));
        Assert.Equal(5, video.RtcpFeedbacks.Count(f => f.PayloadType == 96));
        Assert.Contains(new SdpRtcpFeedback(96, "nack", "pli"), video.RtcpFeedbacks);
        Assert.Contains(new SdpRtcpFeedback(108, "ccm", "fir"), video.RtcpFeedbacks);
        Assert.Equal("apt=96", video.GetFmtp(97)!.Parameters);
        Assert.Equal(new SdpSsrcGroup("FID", "1795224462 3542890231"), Assert.Single(video.SsrcGroups));
        Assert.Equal(new SdpExtmap(4, null, "urn:ietf:params:rtp-hdrext:sdes:mid", null), video.Extmaps[8]);
        Assert.Equal(new SdpMsid("3b7e64f1-5c2a-4c8e-9d1f-6a0b2c3d4e5f", "0f1e2d3c-7777-8888-9999-aaaabbbbcccc"), Assert.Single(video.Msids));

        var data = sdp.Media[2];
        Assert.False(data.IsRtp);
        Assert.Equal(["webrtc-datachannel"], data.Formats);
        Assert.Equal((5000, 262144L), (data.SctpPort!.Value, data.MaxMessageSize!.Value));
    }

    [Fact]
    public void Aiortc_offer_model()
    {
        var sdp = SessionDescription.Parse(Vectors.Text("sdp/aiortc-1.4-offer.sdp"));
        Assert.Equal("WMS *", sdp.MsidSemantic);
        var video = sdp.Media[1];
        Assert.Equal(["97", "98", "99", "100", "101", "102"], video.Formats);
        Assert.Equal("apt=101", video.GetFmtp(102)!.Parameters);
        Assert.True(sdp.Media[0].EndOfCandidates);
        Assert.Equal(SdpCandidateType.Host, Assert.Single(sdp.Media[0].Candidates).Type);
    }

    [Theory]
    [InlineData("candidate:842163049 1 udp 1677729535 203.0.113.7 61665 typ srflx raddr 192.168.1.2 rport 61665 generation 0 ufrag EsAw network-cost 999")]
    [InlineData("candidate:1 1 UDP 92151295 198.51.100.9 3478 typ relay raddr 0.0.0.0 rport 0")]
    [InlineData("candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0 network-id 1 custom-ext 42")]
    [InlineData("candidate:4 2 udp 2122260222 abcd-1234.local 5000 typ host")]
    [InlineData("candidate:5 1 udp 1845501695 203.0.113.9 1 typ prflx raddr 10.0.0.1 rport 2")]
    public void Candidates_round_trip(string text)
    {
        var candidate = SdpCandidate.Parse(text);
        Assert.Equal(text, candidate.ToString());
        Assert.Equal(candidate, SdpCandidate.Parse("a=" + text));
    }

    [Theory]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 9 typ weird")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 99999 typ host")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 9 host")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 9 typ host generation")]
    [InlineData("nope")]
    public void Bad_candidates_throw(string text) => Assert.Throws<SdpException>(() => SdpCandidate.Parse(text));
}
