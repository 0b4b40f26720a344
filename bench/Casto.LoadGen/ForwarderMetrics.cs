using System.Globalization;

namespace Casto.LoadGen;

/// <summary>
/// The forwarder's own added latency, from its Prometheus <c>/metrics</c> (casto only: the video track's
/// <c>casto_stream_forward_delay_seconds</c> histogram): cumulative bucket counts by upper bound in seconds.
/// </summary>
internal sealed class ForwarderMetrics
{
    private const string Bucket = "casto_stream_forward_delay_seconds_bucket{";

    private ForwarderMetrics(SortedList<double, long> buckets) => Buckets = buckets;

    public SortedList<double, long> Buckets { get; }

    /// <summary>Scrapes <paramref name="url"/>; null without one or when the forwarder does not export the histogram.</summary>
    public static async Task<ForwarderMetrics?> ScrapeAsync(Uri? url, string stream, CancellationToken cancellationToken)
    {
        if (url is null)
        {
            return null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string text = await http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
        var buckets = new SortedList<double, long>();
        string labels = $"stream=\"{stream}\",track=\"video\",le=\"";
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(Bucket, StringComparison.Ordinal) || !line.Contains(labels, StringComparison.Ordinal))
            {
                continue;
            }

            int le = line.IndexOf(labels, StringComparison.Ordinal) + labels.Length;
            string bound = line[le..line.IndexOf('"', le)];
            double upper = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
            buckets[upper] = long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return buckets.Count > 0 ? new ForwarderMetrics(buckets) : null;
    }

    /// <summary>The delay (ms) below which <paramref name="quantile"/> of the copies counted between the scrapes lie, linear within a bucket.</summary>
    public static double? PercentileMs(ForwarderMetrics? start, ForwarderMetrics? end, double quantile)
    {
        if (start is null || end is null)
        {
            return null;
        }

        long total = end.Buckets.Values[^1] - start.Buckets.Values[^1];
        if (total <= 0)
        {
            return null;
        }

        double rank = Math.Max(1, quantile * total);
        double lower = 0;
        long below = 0;
        foreach (var (upper, cumulative) in end.Buckets)
        {
            long count = cumulative - start.Buckets.GetValueOrDefault(upper);
            if (count >= rank)
            {
                double high = double.IsPositiveInfinity(upper) ? lower : upper;
                return 1000 * (lower + ((high - lower) * (rank - below) / Math.Max(1, count - below)));
            }

            (lower, below) = (upper, count);
        }

        return 1000 * lower;
    }
}
