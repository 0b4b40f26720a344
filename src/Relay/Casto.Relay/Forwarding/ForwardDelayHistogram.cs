namespace Casto.Relay.Forwarding;

/// <summary>
/// How long upstream packets stayed inside this node, counted once per child copy: from the moment the datagram came
/// off the socket (<see cref="Casto.WebRtc.PeerConnection.RtcPeerConnection.PacketReceivedTimestamp"/>) to the moment
/// the last child's copy was handed to the kernel. It is the node's added latency, measured conservatively: copies
/// in earlier send batches left sooner. Buckets grow by √2 from 1 µs to 262 ms (bucket <c>i</c> ends at
/// 2^(i/2) µs), then one overflow bucket. An immutable snapshot; <see cref="Since"/> gives a window.
/// </summary>
public sealed class ForwardDelayHistogram
{
    /// <summary>Buckets, the overflow bucket last.</summary>
    public const int BucketCount = 38;

    private readonly long[] _counts;

    internal ForwardDelayHistogram(long[] counts, double sumMicros)
    {
        _counts = counts;
        SumMicros = sumMicros;
        Count = counts.Sum();
    }

    /// <summary>An empty histogram.</summary>
    public static ForwardDelayHistogram Empty { get; } = new(new long[BucketCount], 0);

    /// <summary>Child copies counted.</summary>
    public long Count { get; }

    /// <summary>Their delays added up, in µs.</summary>
    public double SumMicros { get; }

    /// <summary>Copies per bucket (not cumulative).</summary>
    public IReadOnlyList<long> Counts => _counts;

    /// <summary>The upper bound of bucket <paramref name="bucket"/> in µs (infinity for the overflow bucket).</summary>
    public static double UpperBoundMicros(int bucket) =>
        bucket >= BucketCount - 1 ? double.PositiveInfinity : Math.Pow(2, bucket / 2.0);

    /// <summary>The delay in µs below which <paramref name="quantile"/> of the copies lie (linear within a bucket); null when empty.</summary>
    public double? PercentileMicros(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (Count == 0)
        {
            return null;
        }

        double rank = Math.Max(1, quantile * Count);
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            if (seen + _counts[i] >= rank)
            {
                double low = i == 0 ? 0 : UpperBoundMicros(i - 1);
                double high = i == BucketCount - 1 ? low : UpperBoundMicros(i);
                return low + ((high - low) * (rank - seen) / _counts[i]);
            }

            seen += _counts[i];
        }

        return UpperBoundMicros(BucketCount - 2);
    }

    /// <summary>What was counted after <paramref name="earlier"/> (a snapshot of the same track).</summary>
    public ForwardDelayHistogram Since(ForwardDelayHistogram earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var counts = new long[BucketCount];
        for (int i = 0; i < BucketCount; i++)
        {
            counts[i] = Math.Max(0, _counts[i] - earlier._counts[i]);
        }

        return new ForwardDelayHistogram(counts, Math.Max(0, SumMicros - earlier.SumMicros));
    }

    /// <summary>The bucket of a delay of <paramref name="micros"/> µs.</summary>
    internal static int BucketOf(double micros) =>
        micros <= 1 ? 0 : Math.Min(BucketCount - 1, (int)Math.Ceiling(2 * Math.Log2(micros)));
}

/// <summary>The mutable side of <see cref="ForwardDelayHistogram"/>; the caller serialises (the track's lock).</summary>
internal sealed class ForwardDelayRecorder
{
    private readonly long[] _counts = new long[ForwardDelayHistogram.BucketCount];
    private double _sumMicros;

    /// <summary>Counts <paramref name="copies"/> copies that each waited <paramref name="micros"/> µs.</summary>
    public void Record(double micros, int copies)
    {
        _counts[ForwardDelayHistogram.BucketOf(micros)] += copies;
        _sumMicros += micros * copies;
    }

    public ForwardDelayHistogram Snapshot() => new((long[])_counts.Clone(), _sumMicros);
}
