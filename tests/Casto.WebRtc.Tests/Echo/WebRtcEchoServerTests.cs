using Casto.WebRtc.Echo;
using Casto.WebRtc.PeerConnection;

namespace Casto.WebRtc.Tests.Echo;

public sealed class WebRtcEchoServerTests
{
    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"type\":\"answer\",\"sdp\":\"v=0\"}")]
    [InlineData("{\"type\":\"offer\"}")]
    [InlineData("{\"type\":\"offer\",\"sdp\":42}")]
    [InlineData("{\"type\":\"offer\",\"sdp\":\"garbage\"}")]
    [InlineData("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\"}")]
    public async Task Bad_requests_get_InvalidSdp(string body)
    {
        await using var server = new WebRtcEchoServer();
        var ex = await Assert.ThrowsAsync<PeerConnectionException>(() => server.AnswerAsync(body));
        Assert.Equal(PeerConnectionError.InvalidSdp, ex.Error);
        Assert.Equal(0, server.ActiveSessions);
    }

    [Fact]
    public async Task Oversized_offers_are_refused_before_parsing()
    {
        await using var server = new WebRtcEchoServer(new WebRtcEchoOptions { MaxOfferSize = 1024 });
        var ex = await Assert.ThrowsAsync<PeerConnectionException>(() => server.AnswerAsync("{\"type\":\"offer\",\"sdp\":\"" + new string('a', 2000) + "\"}"));
        Assert.Equal(PeerConnectionError.InvalidSdp, ex.Error);
    }

    [Fact]
    public async Task Sessions_are_bounded_and_answers_are_json()
    {
        await using var server = new WebRtcEchoServer(new WebRtcEchoOptions { MaxSessions = 1, ConnectTimeout = TimeSpan.FromSeconds(30) });
        await using var peer = new RtcPeerConnection();
        string offer = await peer.CreateOfferAsync();
        string json = System.Text.Json.JsonSerializer.Serialize(new { type = "offer", sdp = offer });

        string answer = await server.AnswerAsync(json);
        using (var doc = System.Text.Json.JsonDocument.Parse(answer))
        {
            Assert.Equal("answer", doc.RootElement.GetProperty("type").GetString());
            Assert.Contains("a=setup:active", doc.RootElement.GetProperty("sdp").GetString(), StringComparison.Ordinal);
        }

        var ex = await Assert.ThrowsAsync<PeerConnectionException>(() => server.AnswerAsync(json));
        Assert.Equal(PeerConnectionError.InvalidState, ex.Error);
    }

    [Fact]
    public void Random_bodies_only_raise_the_typed_exception()
    {
        Prop.ForAll<string>(body =>
        {
            try
            {
                WebRtcEchoServer.ParseOffer(body ?? "", 64 * 1024);
            }
            catch (PeerConnectionException)
            {
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }
}

public sealed class WebRtcEchoSessionTests
{
    [Fact]
    public async Task Echoes_media_and_forwards_keyframe_requests_to_the_sender()
    {
        await using var server = new WebRtcEchoServer();
        await using var client = new RtcPeerConnection();
        var keyFrameRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.KeyFrameRequested += (_, _) => keyFrameRequested.TrySetResult();
        string offer = await client.CreateOfferAsync();
        client.SetLocalDescription(RtcSdpType.Offer, offer);
        string answerJson = await server.AnswerAsync(System.Text.Json.JsonSerializer.Serialize(new { type = "offer", sdp = offer }));
        using (var doc = System.Text.Json.JsonDocument.Parse(answerJson))
        {
            client.SetRemoteDescription(RtcSdpType.Answer, doc.RootElement.GetProperty("sdp").GetString()!);
        }

        await client.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clip = await Casto.WebRtc.Media.MediaSources.LoadDefaultVp8Async();
        var sending = RtcClipSender.SendAsync(client, clip, loop: true, cancellationToken: cts.Token);

        var echoed = await client.ReadRtpAsync(cts.Token); // the echo arrives with the server's SSRC
        Assert.True(Casto.WebRtc.Rtp.RtpPacket.TryRead(echoed.Span, out var header, out _));
        Assert.NotEqual(client.Ssrc, header.Ssrc);

        await client.RequestKeyFrameAsync(header.Ssrc, cts.Token); // a viewer asks the echo for a keyframe …
        await keyFrameRequested.Task.WaitAsync(cts.Token);          // … and the echo asks the sender

        await cts.CancelAsync();
        await sending;
    }
}
