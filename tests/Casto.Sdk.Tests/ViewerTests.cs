using Casto.Sdk;

namespace Casto.Sdk.Tests;

public sealed class ViewerTests
{
    [Fact]
    public async Task TwoLineViewerReceivesFramesFromAPublisher()
    {
        using var cts = Loopback.Timeout();
        await using var publisher = await Loopback.PublishClipAsync("two-lines", cts.Token);

        var casto = new CastoClient(Loopback.Options("two-lines", publisher.Addresses));
        await using CastoMedia media = await casto.StartAsync(cts.Token);

        var frames = new List<(bool Key, uint Timestamp, int Length, CastoCodec Codec)>();
        await foreach (CastoFrame frame in media.ReadFramesAsync(cts.Token))
        {
            using (frame)
            {
                frames.Add((frame.IsKeyframe, frame.RtpTimestamp, frame.Payload.Length, frame.Codec));
            }

            if (frames.Count == 20)
            {
                break;
            }
        }

        Assert.True(frames[0].Key, "a reader starts at a key frame");
        Assert.All(frames, f => Assert.Equal(CastoCodec.Vp8, f.Codec));
        Assert.All(frames, f => Assert.True(f.Length > 0));
        for (int i = 1; i < frames.Count; i++)
        {
            Assert.True((int)(frames[i].Timestamp - frames[i - 1].Timestamp) > 0, $"RTP timestamps advance (frame {i})");
        }

        CastoStats stats = media.Stats;
        Assert.Equal(1, stats.Depth);
        Assert.Equal(publisher.PeerId, stats.Parent);
        Assert.True(stats.Frames >= 20, $"frames counted: {stats.Frames}");
        Assert.Equal(1, publisher.Children);
    }

    [Fact]
    public async Task FramePayloadIsPooledAndGoneAfterDispose()
    {
        using var cts = Loopback.Timeout();
        await using var publisher = await Loopback.PublishClipAsync("pooled", cts.Token);
        await using var media = await new CastoClient(Loopback.Options("pooled", publisher.Addresses)).StartAsync(cts.Token);
        CastoFrame? kept = null;
        await foreach (CastoFrame frame in media.ReadFramesAsync(cts.Token))
        {
            kept = frame;
            break;
        }

        Assert.NotNull(kept);
        Assert.True(kept.Payload.Length > 0);
        kept.Dispose();
        kept.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => kept.Payload);
    }

    [Fact]
    public async Task StatsReportFpsAndParentAfterASecond()
    {
        using var cts = Loopback.Timeout();
        await using var publisher = await Loopback.PublishClipAsync("stats", cts.Token);
        await using var media = await new CastoClient(Loopback.Options("stats", publisher.Addresses)).StartAsync(cts.Token);
        while (media.Stats.Frames == 0) // StartAsync returns once joined; under a loaded CI machine media may follow later
        {
            await Task.Delay(50, cts.Token);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5), cts.Token); // a whole second window of flowing media
        CastoStats stats = media.Stats;
        Assert.InRange(stats.Fps, 15, 45); // the clip is 30 fps
        Assert.Equal(media.PeerId, stats.PeerId);
        Assert.Equal(0, stats.FramesDropped); // nobody reads, and nothing is queued without a reader
    }

    [Fact]
    public async Task WhenThePublisherStopsTheStreamEndsAndReadersFinish()
    {
        using var cts = Loopback.Timeout();
        var publisher = await Loopback.PublishClipAsync("ending", cts.Token);
        var options = Loopback.Options("ending", publisher.Addresses);
        options.EndedAfter = TimeSpan.FromSeconds(1);
        await using var media = await new CastoClient(options).StartAsync(cts.Token);
        int ended = 0;
        media.Ended += (_, _) => Interlocked.Increment(ref ended);
        var reading = Task.Run(async () =>
        {
            long n = 0;
            await foreach (CastoFrame frame in media.ReadFramesAsync(cts.Token))
            {
                frame.Dispose();
                n++;
            }

            return n;
        });
        await Task.Delay(500, cts.Token);
        await publisher.DisposeAsync();

        long read = await reading.WaitAsync(TimeSpan.FromSeconds(10), cts.Token); // the reader finished on its own
        await media.Completion.WaitAsync(cts.Token);
        Assert.True(read > 0);
        Assert.Equal(1, Volatile.Read(ref ended));
    }
}
