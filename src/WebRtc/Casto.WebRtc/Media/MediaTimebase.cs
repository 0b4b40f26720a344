namespace Casto.WebRtc.Media;

/// <summary>
/// Length of one timestamp tick in seconds, as the fraction <see cref="Numerator"/>/<see cref="Denominator"/>
/// (IVF: scale/rate, 1/30 for a 30 fps clip whose timestamps count frames).
/// </summary>
public readonly record struct MediaTimebase
{
    /// <summary>Creates a timebase of <paramref name="numerator"/>/<paramref name="denominator"/> seconds per tick.</summary>
    public MediaTimebase(int numerator, int denominator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numerator, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(denominator, 1);
        Numerator = numerator;
        Denominator = denominator;
    }

    /// <summary>Seconds per tick, numerator.</summary>
    public int Numerator { get; }

    /// <summary>Seconds per tick, denominator.</summary>
    public int Denominator { get; }

    /// <summary>One tick per frame at <paramref name="framesPerSecond"/> (e.g. 30 ⇒ 1/30).</summary>
    public static MediaTimebase FromFrameRate(int framesPerSecond) => new(1, framesPerSecond);

    /// <summary>One tick per frame at <paramref name="rate"/>/<paramref name="scale"/> fps (e.g. 30000/1001 ⇒ 1001/30000).</summary>
    public static MediaTimebase FromFrameRate(int rate, int scale) => new(scale, rate);

    /// <summary><paramref name="ticks"/> as a <see cref="TimeSpan"/> (rounded down to 100 ns).</summary>
    public TimeSpan ToTimeSpan(long ticks) => TimeSpan.FromTicks(Rescale(ticks, TimeSpan.TicksPerSecond));

    /// <summary><paramref name="ticks"/> in units of a <paramref name="clockRate"/> Hz clock (RTP: 90000 for video), rounded down.</summary>
    public long Rescale(long ticks, long clockRate) => (long)((Int128)ticks * Numerator * clockRate / Denominator);
}
