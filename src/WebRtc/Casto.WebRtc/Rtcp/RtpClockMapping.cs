// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 (NTP timestamp and RTP timestamp of a sender report)
namespace Casto.WebRtc.Rtcp;

/// <summary>
/// A sender's clock mapping, as a sender report carries it: its RTP time <see cref="RtpTimestamp"/> corresponds to the
/// wall-clock <see cref="NtpTimestamp"/> (64-bit NTP, Q32.32 seconds since 1900). With it a receiver turns any RTP
/// timestamp of the stream into the sender's wall-clock time (capture time, for a source that stamps at capture).
/// </summary>
/// <param name="NtpTimestamp">The NTP time.</param>
/// <param name="RtpTimestamp">The RTP time at that moment, in the stream's clock.</param>
public readonly record struct RtpClockMapping(ulong NtpTimestamp, uint RtpTimestamp)
{
    private static readonly DateTimeOffset NtpEpoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The NTP time as a <see cref="DateTimeOffset"/> (UTC).</summary>
    public DateTimeOffset WallClock => NtpEpoch + TimeSpan.FromTicks((long)((NtpTimestamp >> 32) * (ulong)TimeSpan.TicksPerSecond + ((NtpTimestamp & 0xFFFF_FFFF) * (ulong)TimeSpan.TicksPerSecond >> 32)));

    /// <summary>The RTP time at NTP time <paramref name="ntp"/> (extrapolated at <paramref name="clockRate"/>; earlier times too).</summary>
    public uint RtpAt(ulong ntp, int clockRate) =>
        unchecked(RtpTimestamp + (uint)(long)Math.Round((long)(ntp - NtpTimestamp) / 4294967296.0 * clockRate));

    /// <summary>The wall-clock time of RTP time <paramref name="rtp"/> (within ±2^31 ticks of the mapping's).</summary>
    public DateTimeOffset WallClockOf(uint rtp, int clockRate) =>
        WallClock + TimeSpan.FromSeconds(unchecked((int)(rtp - RtpTimestamp)) / (double)clockRate);

    /// <summary>The NTP timestamp of <paramref name="time"/>.</summary>
    public static ulong ToNtp(DateTimeOffset time)
    {
        long ticks = (time - NtpEpoch).Ticks;
        ulong seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        ulong fraction = ((ulong)(ticks % TimeSpan.TicksPerSecond) << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
