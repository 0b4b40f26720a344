using System.Globalization;

namespace Casto.Benchmarks;

/// <summary>Nearest-rank quantiles of a sample (with 50 values, p99 is the maximum).</summary>
internal static class Quantiles
{
    /// <summary>The value at quantile <paramref name="q"/> (0–1) of <paramref name="values"/>; NaN when empty.</summary>
    public static double Of<T>(IEnumerable<T> values, double q)
        where T : IConvertible
    {
        var sorted = values.Select(v => v.ToDouble(CultureInfo.InvariantCulture)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];
    }
}
