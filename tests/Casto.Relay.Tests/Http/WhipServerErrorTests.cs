using System.Net;
using System.Text;
using Casto.Relay.Forwarding;
using Casto.Relay.Http;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Tests.Http;

/// <summary>Bad requests get a status code and a one-line reason, and do not disturb a subscriber that is watching.</summary>
public sealed class WhipServerErrorTests
{
    private const string Token = "s3cret";

    [Fact]
    public async Task BadRequestsAreRefusedWithoutDisturbingAWatcher()
    {
        await using var relay = await RelayHarness.StartAsync(server: new WhipServerOptions { WhipToken = Token, MaxSdpBytes = 4096 });
        var publisher = await relay.PublishAsync("live", Token);
        var watcher = await relay.SubscribeAsync("live");
        var clip = await MediaSources.LoadDefaultVp8Async();
        using var stop = new CancellationTokenSource();
        var sending = RtcClipSender.SendAsync(publisher, clip, loop: true, cancellationToken: stop.Token);

        await ExpectAsync(await relay.PostAsync("whep/live", "v=0\r\ngarbage\r\n"), HttpStatusCode.BadRequest);
        await ExpectAsync(await relay.PostAsync("whep/live", new string('a', 5000)), HttpStatusCode.RequestEntityTooLarge);
        await ExpectAsync(await relay.PostAsync("whep/nobody", "v=0"), HttpStatusCode.NotFound);
        await ExpectAsync(await relay.PostAsync("whip/other", "v=0", "wrong"), HttpStatusCode.Unauthorized);
        await ExpectAsync(await relay.PostAsync("whip/other", "v=0"), HttpStatusCode.Unauthorized);
        await ExpectAsync(await relay.PostAsync("whip/live", "v=0", Token), HttpStatusCode.Conflict); // already published
        await ExpectAsync(await relay.PostAsync("whep/bad%20name", "v=0"), HttpStatusCode.BadRequest);
        await ExpectAsync(await relay.Http.DeleteAsync("whep/live/0123456789abcdef01234567"), HttpStatusCode.NotFound);
        await ExpectAsync(await relay.Http.GetAsync("whip/live"), HttpStatusCode.MethodNotAllowed);
        await ExpectAsync(await relay.Http.PatchAsync("whep/live/x", new StringContent("a=candidate")), HttpStatusCode.MethodNotAllowed);
        using (var wrongType = new StringContent("v=0", Encoding.UTF8, "application/json"))
        {
            await ExpectAsync(await relay.Http.PostAsync("whep/live", wrongType), HttpStatusCode.UnsupportedMediaType);
        }

        // A valid SDP without VP8 video.
        string noVideo = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
            + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 " + string.Join(':', Enumerable.Repeat("AB", 32))
            + "\r\na=setup:actpass\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\na=recvonly\r\na=rtcp-mux\r\n";
        await ExpectAsync(await relay.PostAsync("whep/live", noVideo), HttpStatusCode.BadRequest);

        int before = watcher.Count;
        await RelayHarness.WaitUntilAsync(() => watcher.Count > before + 30);
        stop.Cancel();
        await sending;
        Assert.Equal(RtcPeerConnectionState.Connected, watcher.Connection.ConnectionState);
        Assert.Equal(1, relay.Node.SubscriberSessions);
    }

    [Fact]
    public async Task OverCapacityIs503WithRetryAfter()
    {
        var options = new ForwardingNodeOptions { MaxSubscribers = 1 };
        await using var relay = await RelayHarness.StartAsync(options);
        await relay.PublishAsync("live");
        await relay.SubscribeAsync("live");
        var second = relay.Own(new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = Casto.WebRtc.Sdp.SdpDirection.RecvOnly, Audio = false }));
        string offer = await second.CreateOfferAsync();
        using var response = await relay.PostAsync("whep/live", offer);
        await ExpectAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task PreflightAnswersCors()
    {
        await using var relay = await RelayHarness.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "whip/live");
        using var response = await relay.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Equal("application/sdp", Assert.Single(response.Headers.GetValues("Accept-Post")));
    }

    [Fact]
    public async Task DeleteEndsThePublisherAndTheStream()
    {
        await using var relay = await RelayHarness.StartAsync();
        var publisher = relay.Own(new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = Casto.WebRtc.Sdp.SdpDirection.SendOnly, Audio = false }));
        var location = await relay.NegotiateAsync(publisher, "whip/live");
        await publisher.WaitConnectedAsync().WaitAsync(RelayHarness.Timeout);
        Assert.NotNull(relay.Node.GetStream("live"));
        using var deleted = await relay.Http.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Null(relay.Node.GetStream("live"));
        using var again = await relay.Http.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        // The node's end of the session reaches the publisher: its RTCP BYE and DTLS close_notify. (The DELETE can land
        // while the node, the DTLS client, still waits for the publisher's last flight: see CloseDuringHandshakeTests.)
        await RelayHarness.WaitUntilAsync(() => publisher.ConnectionState == RtcPeerConnectionState.Closed, TimeSpan.FromSeconds(10));
        Assert.True(publisher.GetStats().ByesReceived > 0);
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.False(string.IsNullOrWhiteSpace(body));
            Assert.Single(body.TrimEnd('\n').Split('\n'));
        }
    }
}
