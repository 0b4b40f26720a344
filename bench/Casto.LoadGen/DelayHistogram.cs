using System.Diagnostics;

namespace Casto.LoadGen;

/// <summary>
/// One-way delays in fixed buckets (no allocation when recording): 10 µs wide below 10 ms, 1 ms wide up to 1 s,
/// 10 ms wide up to 10 s, then one overflow bucket. Single writer; merge after the writer stopped.
/// </summary>
internal sealed class DelayHistogram
{
    private const int FineLimitUs = 10_000;
    private const int FineWidthUs = 10;
    private const int CoarseLimitUs = 1_000_000;
    private const int CoarseWidthUs = 1_000;
    private const int SlowLimitUs = 10_000_000;
    private const int SlowWidthUs = 10_000;
    private const int FineBuckets = FineLimitUs / FineWidthUs;
    private const int CoarseEnd = FineBuckets + ((CoarseLimitUs - FineLimitUs) / CoarseWidthUs);
    private const int Buckets = CoarseEnd + ((SlowLimitUs - CoarseLimitUs) / SlowWidthUs) + 1;
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;
    private readonly long[] _counts = new long[Buckets];

    public long Count { get; private set; }

    public void Record(long delayTicks)
    {
        long us = (long)(Math.Max(0, delayTicks) * MicrosecondsPerTick);
        int bucket = us < FineLimitUs ? (int)(us / FineWidthUs)
            : us < CoarseLimitUs ? FineBuckets + (int)((us - FineLimitUs) / CoarseWidthUs)
            : us < SlowLimitUs ? CoarseEnd + (int)((us - CoarseLimitUs) / SlowWidthUs)
            : Buckets - 1;
        _counts[bucket]++;
        Count++;
    }

    public void Add(DelayHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < Buckets; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The delay (ms, the bucket's upper edge) below which <paramref name="quantile"/> of the samples lie; null when empty.</summary>
    public double? PercentileMs(double quantile)
    {
        if (Count == 0)
        {
            return null;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (int i = 0; i < Buckets; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return UpperEdgeUs(i) / 1000.0;
            }
        }

        return UpperEdgeUs(Buckets - 1) / 1000.0;
    }

    private static long UpperEdgeUs(int bucket) =>
        bucket < FineBuckets ? (bucket + 1L) * FineWidthUs
        : bucket < CoarseEnd ? FineLimitUs + ((bucket - FineBuckets + 1L) * CoarseWidthUs)
        : CoarseLimitUs + ((bucket - CoarseEnd + 1L) * SlowWidthUs);
}
