using System.Diagnostics;

namespace Casto.LoadGen;

/// <summary>The measurement window in <see cref="Stopwatch"/> ticks: a packet counts when it was sent inside it.</summary>
internal sealed class MeasurementWindow
{
    private long _start = long.MaxValue;
    private long _end = long.MaxValue;

    public long Start => Volatile.Read(ref _start);

    public long End => Volatile.Read(ref _end);

    public bool Contains(long sendTimestamp) => sendTimestamp >= Volatile.Read(ref _start) && sendTimestamp < Volatile.Read(ref _end);

    /// <summary>Opens the window now for <paramref name="length"/>; returns its start.</summary>
    public long Open(TimeSpan length)
    {
        long start = Stopwatch.GetTimestamp();
        Volatile.Write(ref _end, start + (long)(length.TotalSeconds * Stopwatch.Frequency));
        Volatile.Write(ref _start, start);
        return start;
    }
}
