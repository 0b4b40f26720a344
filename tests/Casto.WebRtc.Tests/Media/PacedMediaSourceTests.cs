using Casto.WebRtc.Media;

namespace Casto.WebRtc.Tests.Media;

public class PacedMediaSourceTests
{
    private static readonly TimeSpan FrameTime = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30); // 333_333 ticks

    private static TimeSpan Due(int n) => TimeSpan.FromTicks(n * TimeSpan.TicksPerSecond / 30); // n/30 s

    [Fact]
    public async Task Releases_frame_n_at_n_thirtieths_with_rtp_step_3000()
    {
        MediaClip clip = await MediaSources.LoadDefaultVp8Async();
        var time = new ManualTimeProvider();
        var source = new PacedMediaSource(clip, new PacedSourceOptions { InitialRtpTimestamp = 1000 }, time);
        await using IAsyncEnumerator<PacedFrame> frames = source.ReadAllAsync().GetAsyncEnumerator();
        for (int n = 0; n < clip.Count; n++)
        {
            ValueTask<bool> next = frames.MoveNextAsync();
            if (n > 0)
            {
                Assert.False(next.IsCompleted);
                time.Advance(Due(n) - time.Elapsed - TimeSpan.FromTicks(1));
                Assert.False(next.IsCompleted); // not a tick early
                time.Advance(TimeSpan.FromTicks(1));
                if (!next.IsCompleted)
                {
                    time.Advance(TimeSpan.FromMilliseconds(1) - TimeSpan.FromTicks(1)); // Task.Delay rounds to whole ms
                }
            }

            Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
            PacedFrame frame = frames.Current;
            Assert.Equal(Due(n), frame.DueTime);
            Assert.InRange(time.Elapsed, Due(n), Due(n) + TimeSpan.FromMilliseconds(1));
            Assert.Equal((uint)(1000 + (3000 * n)), frame.RtpTimestamp);
            Assert.Equal(n % 30 == 0, frame.IsKeyframe);
            Assert.Equal(n, frame.Sequence);
            Assert.True(clip[n].Data.Span.SequenceEqual(frame.Data.Span));
        }

        ValueTask<bool> end = frames.MoveNextAsync();
        Assert.True(end.IsCompleted);
        Assert.False(await end);
    }

    [Fact]
    public async Task Key_frame_request_skips_to_the_next_key_frame_at_its_due_time()
    {
        MediaClip clip = await MediaSources.LoadDefaultVp8Async();
        var time = new ManualTimeProvider();
        var source = new PacedMediaSource(clip, new PacedSourceOptions { Loop = true }, time);
        await using IAsyncEnumerator<PacedFrame> frames = source.ReadAllAsync().GetAsyncEnumerator();
        for (int n = 0; n < 4; n++)
        {
            time.Advance(Due(n) + TimeSpan.FromMilliseconds(1) - time.Elapsed);
            Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        }

        source.RequestKeyFrame(); // e.g. from RtcPeerConnection.KeyFrameRequested
        source.RequestKeyFrame();
        ValueTask<bool> next = frames.MoveNextAsync();
        time.Advance(Due(29) - time.Elapsed);
        Assert.False(next.IsCompleted); // frames 4..29 are skipped, frame 30 keeps its due time
        time.Advance(Due(30) + TimeSpan.FromMilliseconds(1) - time.Elapsed);
        Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(frames.Current.IsKeyframe);
        Assert.Equal(Due(30), frames.Current.DueTime);
        Assert.Equal(4, frames.Current.Sequence);
        time.Advance(FrameTime + TimeSpan.FromMilliseconds(1));
        Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(Due(31), frames.Current.DueTime);
        Assert.False(frames.Current.IsKeyframe);
    }

    [Fact]
    public async Task Loops_with_continuous_timestamps_and_wraps_rtp()
    {
        MediaClip clip = await MediaSources.LoadDefaultVp8Async();
        var time = new ManualTimeProvider();
        var source = new PacedMediaSource(clip, new PacedSourceOptions { Loop = true, InitialRtpTimestamp = uint.MaxValue - 2999 }, time);
        time.Advance(TimeSpan.FromSeconds(10)); // clock before the start does not matter
        var seen = new List<PacedFrame>();
        await foreach (PacedFrame frame in source.ReadAllAsync())
        {
            seen.Add(frame);
            if (seen.Count == 150)
            {
                break;
            }

            time.Advance(FrameTime + TimeSpan.FromTicks(1));
        }

        for (int n = 0; n < seen.Count; n++)
        {
            Assert.Equal(unchecked(uint.MaxValue - 2999 + (uint)(3000 * n)), seen[n].RtpTimestamp);
            Assert.Equal(n % 30 == 0, seen[n].IsKeyframe);
        }

        Assert.Equal(0u, seen[1].RtpTimestamp);
        Assert.Equal(TimeSpan.FromSeconds(4), seen[120].DueTime);
    }

    [Fact]
    public async Task Late_consumer_gets_frames_at_once_and_cancellation_stops_waiting()
    {
        MediaClip clip = await MediaSources.LoadDefaultVp8Async();
        var time = new ManualTimeProvider();
        var source = new PacedMediaSource(clip, timeProvider: time);
        using var cts = new CancellationTokenSource();
        await using IAsyncEnumerator<PacedFrame> frames = source.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await frames.MoveNextAsync());
        time.Advance(TimeSpan.FromSeconds(1));
        for (int n = 1; n <= 30; n++)
        {
            ValueTask<bool> next = frames.MoveNextAsync();
            Assert.True(next.IsCompleted);
            Assert.True(await next);
        }

        ValueTask<bool> pending = frames.MoveNextAsync();
        Assert.False(pending.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
    }
}
