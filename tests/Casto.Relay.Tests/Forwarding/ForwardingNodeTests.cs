using Casto.Testing;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Tests.Forwarding;

/// <summary>One C# publisher (WHIP) to many C# subscribers (WHEP) through a forwarding node on loopback.</summary>
public sealed class ForwardingNodeTests
{
    [Fact]
    public async Task EverySubscriberGetsEveryPacketUnderItsOwnSsrc()
    {
        await using var relay = await RelayHarness.StartAsync();
        var publisher = await relay.PublishAsync("live");
        var subscribers = new List<RelayHarness.Subscriber>();
        for (int i = 0; i < 20; i++)
        {
            subscribers.Add(await relay.SubscribeAsync("live", waitJoined: false));
        }

        await RelayHarness.WaitUntilAsync(() => relay.Node.GetStream("live")?.SubscriberCount == 20);
        var clip = await MediaSources.LoadDefaultVp8Async();
        long sent = await RtcClipSender.SendAsync(publisher, clip, loop: false);
        Assert.True(sent > 50, $"sent {sent}");
        await RelayHarness.WaitUntilAsync(() => subscribers.All(s => s.Count == sent), TimeSpan.FromSeconds(10));
        foreach (var s in subscribers)
        {
            Assert.True(s.FirstIsKeyFrame);
            var stats = s.Connection.GetStats();
            Assert.Equal(0, stats.IceQueueDrops);
            Assert.Equal(0, stats.SrtpAuthenticationFailed);
            Assert.Equal(sent, stats.PacketsReceived);
            Assert.Contains($"a=ssrc:{s.Ssrc} ", s.Connection.RemoteDescription, StringComparison.Ordinal); // rewritten to the SSRC the answer announced
        }

        var node = relay.Node.GetStats().Single();
        Assert.Equal(sent, node.Video.PacketsIn);
        Assert.Equal(sent * 20, node.Video.PacketsOut);
        Assert.Equal(0, node.Video.SendDrops);
        var delay = node.Video.ForwardDelay; // every live copy is timed from its arrival on the socket
        Assert.InRange(delay.Count, sent * 20 / 2, sent * 20);
        Assert.InRange(delay.PercentileMicros(0.5)!.Value, 1, 1_000_000);
        // The 20 copies of a packet leave together (one sendmmsg on Linux, all children being on the node's mux).
        Assert.InRange(node.Video.BatchedSendCalls, 1, OperatingSystem.IsLinux() ? sent * 2 : sent * 20);
    }

    [Fact]
    public async Task AllSessionsShareOneUdpPort()
    {
        await using var relay = await RelayHarness.StartAsync();
        int port = relay.Mux!.LocalEndPoint.Port;
        var publisher = await relay.PublishAsync("live");
        var subscribers = new List<RelayHarness.Subscriber>();
        for (int i = 0; i < 5; i++)
        {
            subscribers.Add(await relay.SubscribeAsync("live", waitJoined: false));
        }

        Assert.All(subscribers, s => Assert.Contains($" 127.0.0.1 {port} typ host", s.Connection.RemoteDescription, StringComparison.Ordinal));
        Assert.Contains($" 127.0.0.1 {port} typ host", publisher.RemoteDescription, StringComparison.Ordinal);
        Assert.Equal(6, relay.Mux.Connections);
        await RelayHarness.WaitUntilAsync(() => relay.Node.GetStream("live")?.SubscriberCount == 5);
        long sent = await RtcClipSender.SendAsync(publisher, await MediaSources.LoadDefaultVp8Async(), loop: false);
        await RelayHarness.WaitUntilAsync(() => subscribers.All(s => s.Count == sent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task H264IsForwardedAndSubscribersAreAnsweredWithIt()
    {
        await using var relay = await RelayHarness.StartAsync();
        var publisher = await relay.PublishAsync("live", codec: RtcCodec.H264);
        Assert.Equal(RtcCodec.H264, publisher.VideoCodec);
        var subscriber = await relay.SubscribeAsync("live"); // offers VP8 first, then H264
        Assert.Equal(RtcCodec.H264, subscriber.Connection.VideoCodec);
        Assert.DoesNotContain("VP8", subscriber.Connection.RemoteDescription, StringComparison.Ordinal);

        await using var file = File.OpenRead(Path.Combine(RepoPaths.Root, "tests", "assets", "test-320x240-30fps.h264"));
        var clip = await MediaClip.LoadH264Async(file, MediaTimebase.FromFrameRate(30));
        long sent = await RtcClipSender.SendAsync(publisher, clip, loop: false);
        await RelayHarness.WaitUntilAsync(() => subscriber.Count == sent, TimeSpan.FromSeconds(10));
        Assert.True(subscriber.FirstIsKeyFrame);
        Assert.True(relay.Node.GetStats().Single().Video.KeyFrames >= 2); // IDR every 30 frames
    }

    [Fact]
    public async Task AReturningPublisherFeedsTheWaitingSubscribersInTheirCodec()
    {
        await using var relay = await RelayHarness.StartAsync();
        var first = relay.Own(new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = Casto.WebRtc.Sdp.SdpDirection.SendOnly, Audio = false, VideoCodecs = [RtcCodec.Vp8] }));
        var location = await relay.NegotiateAsync(first, "whip/live");
        await first.WaitConnectedAsync().WaitAsync(RelayHarness.Timeout);
        var subscriber = await relay.SubscribeAsync("live");
        using (var deleted = await relay.Http.DeleteAsync(location))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Null(relay.Node.GetStream("live")!.Source); // the stream stays for its subscriber

        var h264 = relay.Own(new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = Casto.WebRtc.Sdp.SdpDirection.SendOnly, Audio = false, VideoCodecs = [RtcCodec.H264] }));
        string offer = await h264.CreateOfferAsync();
        using (var refused = await relay.PostAsync("whip/live", offer))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode); // the subscriber negotiated VP8
        }

        var again = await relay.PublishAsync("live");
        long sent = await RtcClipSender.SendAsync(again, await MediaSources.LoadDefaultVp8Async(), loop: false);
        await RelayHarness.WaitUntilAsync(() => subscriber.Count == sent, TimeSpan.FromSeconds(10));
        Assert.Equal(RtcPeerConnectionState.Connected, subscriber.Connection.ConnectionState);
        Assert.Equal(0, subscriber.Connection.UndecryptablePackets);
    }

    [Fact]
    public async Task SessionsWithTheirOwnSocketsWorkToo()
    {
        await using var relay = await RelayHarness.StartAsync(mux: false);
        var publisher = await relay.PublishAsync("live");
        var subscriber = await relay.SubscribeAsync("live");
        long sent = await RtcClipSender.SendAsync(publisher, await MediaSources.LoadDefaultVp8Async(), loop: false);
        await RelayHarness.WaitUntilAsync(() => subscriber.Count == sent, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task LateJoinerStartsOnTheCachedKeyFrameAtOnce()
    {
        await using var relay = await RelayHarness.StartAsync();
        var publisher = await relay.PublishAsync("live");
        var clip = await MediaSources.LoadDefaultVp8Async();
        using var stop = new CancellationTokenSource();
        var sending = RtcClipSender.SendAsync(publisher, clip, loop: true, cancellationToken: stop.Token);
        await RelayHarness.WaitUntilAsync(() => relay.Node.GetStats().Single().Video.KeyFrames >= 1);
        await Task.Delay(400); // mid-GOP: the next key frame is ~0.6 s away (one every 30 frames)

        long before = Environment.TickCount64;
        var late = await relay.SubscribeAsync("live");
        await RelayHarness.WaitUntilAsync(() => late.Count > 0);
        stop.Cancel();
        await sending;

        Assert.True(late.FirstIsKeyFrame);
        var stats = relay.Node.GetStats().Single();
        Assert.Equal(0, stats.Video.KeyFrameRequestsSent); // served from the cache, not by asking the publisher
        Assert.True(late.FirstPacketAt - before < 5000);
    }

    [Fact]
    public async Task KeyFrameRequestsFromManyChildrenAreMergedUpstream()
    {
        await using var relay = await RelayHarness.StartAsync();
        var publisher = await relay.PublishAsync("live");
        var clip = await MediaSources.LoadDefaultVp8Async();
        using var stop = new CancellationTokenSource();
        var sending = RtcClipSender.SendAsync(publisher, clip, loop: true, cancellationToken: stop.Token);
        var subscribers = new List<RelayHarness.Subscriber>();
        for (int i = 0; i < 10; i++)
        {
            subscribers.Add(await relay.SubscribeAsync("live", waitJoined: false));
        }

        await RelayHarness.WaitUntilAsync(() => subscribers.All(s => s.Count > 0));
        long requestsBefore = relay.Node.GetStats().Single().Video.KeyFrameRequestsSent;
        long plisBefore = publisher.GetStats().PlisReceived;
        foreach (var s in subscribers)
        {
            await s.Connection.RequestKeyFrameAsync();
        }

        await RelayHarness.WaitUntilAsync(() => relay.Node.GetStats().Single().Video.KeyFrameRequestsReceived >= 10);
        await Task.Delay(300);
        stop.Cancel();
        await sending;

        var stats = relay.Node.GetStats().Single();
        long sentUp = stats.Video.KeyFrameRequestsSent - requestsBefore;
        Assert.InRange(sentUp, 1, 2); // ten requests inside one 500 ms interval: one PLI (two if the interval turned)
        Assert.InRange(publisher.GetStats().PlisReceived - plisBefore, 1, 2);
    }

    [Fact]
    public async Task HundredSubscribersJoiningAtOnceAllConnect()
    {
        await using var relay = await RelayHarness.StartAsync();
        var publisher = await relay.PublishAsync("live");
        var joins = Enumerable.Range(0, 100).Select(_ => relay.SubscribeAsync("live", waitJoined: false)).ToList();
        var subscribers = await Task.WhenAll(joins).WaitAsync(TimeSpan.FromSeconds(60));
        await RelayHarness.WaitUntilAsync(() => relay.Node.GetStream("live")?.SubscriberCount == 100);
        Assert.All(subscribers, s => Assert.Equal(RtcPeerConnectionState.Connected, s.Connection.ConnectionState));

        var clip = await MediaSources.LoadDefaultVp8Async();
        long sent = await RtcClipSender.SendAsync(publisher, clip, loop: false);
        await RelayHarness.WaitUntilAsync(() => subscribers.All(s => s.Count == sent), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task AClosedSubscriberLeavesAndTheOthersContinue()
    {
        await using var relay = await RelayHarness.StartAsync();
        var publisher = await relay.PublishAsync("live");
        var a = await relay.SubscribeAsync("live");
        var b = await relay.SubscribeAsync("live", waitJoined: false);
        await RelayHarness.WaitUntilAsync(() => relay.Node.GetStream("live")?.SubscriberCount == 2);
        await a.Connection.CloseAsync();
        await RelayHarness.WaitUntilAsync(() => relay.Node.GetStream("live")?.SubscriberCount == 1); // BYE + close_notify
        var clip = await MediaSources.LoadDefaultVp8Async();
        long sent = await RtcClipSender.SendAsync(publisher, clip, loop: false);
        await RelayHarness.WaitUntilAsync(() => b.Count == sent, TimeSpan.FromSeconds(10));
        Assert.Equal(1, relay.Node.SubscriberSessions);
    }
}
