using System.Net;
using Casto.WebRtc.Codecs;

namespace Casto.Relay.Tests.Http;

/// <summary>
/// An offer shaped like OBS 30's WHIP output (relay-notes §4): ICE and fingerprint at session level, a=group:LS, codec
/// OPUS in capitals, H264 only, no candidates (OBS trickles none). OBS itself cannot run here; the shape is what matters
/// for the answer.
/// </summary>
public sealed class ObsOfferTests
{
    private const string Offer =
        "v=0\r\no=- 3912372736 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=group:LS 0 1\r\n" +
        "a=ice-ufrag:obsU\r\na=ice-pwd:obspasswordobspassword12\r\na=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF\r\n" +
        "a=setup:actpass\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:111 OPUS/48000/2\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\na=ssrc:1111 cname:obs\r\n" +
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:96 H264/90000\r\n" +
        "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n" +
        "a=rtcp-fb:96 transport-cc\r\na=ssrc:2222 cname:obs\r\n";

    [Fact]
    public async Task AnObsShapedOfferIsAnsweredWithH264AndOpus()
    {
        await using var relay = await RelayHarness.StartAsync();
        using var response = await relay.PostAsync("whip/obs", Offer);
        string answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, answer);
        Assert.Contains("H264/90000", answer, StringComparison.Ordinal);
        Assert.Contains("profile-level-id=64001f", answer, StringComparison.Ordinal); // High profile, passed through
        Assert.Contains("opus/48000", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("a=recvonly", answer, StringComparison.Ordinal);
        Assert.Contains("typ host", answer, StringComparison.Ordinal); // all our candidates: OBS does not trickle
        Assert.Equal(RtcCodec.H264, relay.Node.GetStream("obs")!.VideoCodec);
    }
}
