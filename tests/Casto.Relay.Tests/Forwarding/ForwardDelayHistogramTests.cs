using Casto.Relay.Forwarding;
using FsCheck;
using FsCheck.Fluent;

namespace Casto.Relay.Tests.Forwarding;

public sealed class ForwardDelayHistogramTests
{
    [Theory]
    [InlineData(0.2, 0)]
    [InlineData(1, 0)]
    [InlineData(1.2, 1)]
    [InlineData(2, 2)]
    [InlineData(100, 14)] // 2^(13/2) = 90.5 < 100 <= 2^7 = 128
    [InlineData(262_144, 36)]
    [InlineData(300_000, 37)]
    [InlineData(1e12, 37)]
    public void Delays_fall_in_root_two_buckets(double micros, int bucket)
    {
        Assert.Equal(bucket, ForwardDelayHistogram.BucketOf(micros));
        Assert.True(micros <= ForwardDelayHistogram.UpperBoundMicros(bucket));
    }

    [Fact]
    public void Percentiles_interpolate_within_a_bucket_and_windows_subtract()
    {
        var recorder = new ForwardDelayRecorder();
        recorder.Record(100, 90); // bucket (90.5, 128]
        recorder.Record(1000, 10); // bucket (724, 1024]
        var first = recorder.Snapshot();
        Assert.Equal(100, first.Count);
        Assert.Equal(19_000, first.SumMicros, 6);
        Assert.InRange(first.PercentileMicros(0.5)!.Value, 90.5, 128);
        Assert.InRange(first.PercentileMicros(0.99)!.Value, 724, 1024);

        recorder.Record(10, 4);
        var window = recorder.Snapshot().Since(first);
        Assert.Equal(4, window.Count);
        Assert.InRange(window.PercentileMicros(0.99)!.Value, 8, 11.4);
        Assert.Null(ForwardDelayHistogram.Empty.PercentileMicros(0.5));
    }

    [Fact]
    public void A_percentile_lies_within_the_recorded_range() =>
        Prop.ForAll<uint, uint, ushort>((a, b, copies) =>
        {
            var recorder = new ForwardDelayRecorder();
            double low = Math.Min(a, b) % 1_000_000 + 1, high = Math.Max(low, Math.Max(a, b) % 1_000_000 + 1);
            recorder.Record(low, copies % 1000 + 1);
            recorder.Record(high, 1);
            double p = recorder.Snapshot().PercentileMicros(0.5)!.Value;
            int lowBucket = ForwardDelayHistogram.BucketOf(low);
            double lowerBound = lowBucket == 0 ? 0 : ForwardDelayHistogram.UpperBoundMicros(lowBucket - 1);
            return p >= lowerBound - 1e-9 && p <= ForwardDelayHistogram.UpperBoundMicros(ForwardDelayHistogram.BucketOf(high)) + 1e-9;
        }).QuickCheckThrowOnFailure();
}
