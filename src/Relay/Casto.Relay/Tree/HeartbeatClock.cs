using Casto.Relay.Tree.Wire;

namespace Casto.Relay.Tree;

/// <summary>
/// The round trip of one tree link from its heartbeats, both sides stamping and echoing (the <c>sent_us</c>,
/// <c>echo_us</c> and <c>echo_delay_us</c> fields; RTCP's LSR/DLSR scheme, RFC 3550 §6.4.1): no extra messages, and
/// each side measures on its own clock. Smoothed as TCP's SRTT (RFC 6298: 7/8 old + 1/8 new). Thread-safe: the
/// sending and the reading loop of a link share it.
/// </summary>
internal sealed class HeartbeatClock(TimeProvider time)
{
    /// <summary>A round trip above this is a wrong echo (a peer's bad stamp), not a measurement.</summary>
    private static readonly TimeSpan MaxRtt = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private ulong _theirSent; // the latest sent_us heard; 0: none
    private long _heardAt;
    private TimeSpan? _rtt;

    /// <summary>The smoothed round trip; null before the first echo.</summary>
    public TimeSpan? Rtt
    {
        get
        {
            lock (_gate)
            {
                return _rtt;
            }
        }
    }

    /// <summary>Adds our stamp and the echo of theirs to <paramref name="heartbeat"/>, which it returns.</summary>
    public Heartbeat Stamp(Heartbeat heartbeat)
    {
        long now = time.GetTimestamp();
        heartbeat.SentUs = Micros(now);
        lock (_gate)
        {
            if (_theirSent != 0)
            {
                heartbeat.EchoUs = _theirSent;
                heartbeat.EchoDelayUs = (uint)Math.Min(time.GetElapsedTime(_heardAt, now).Ticks / TimeSpan.TicksPerMicrosecond, uint.MaxValue);
            }
        }

        return heartbeat;
    }

    /// <summary>Reads the stamp and the echo of a heartbeat from the other side.</summary>
    public void Heard(Heartbeat heartbeat)
    {
        long now = time.GetTimestamp();
        lock (_gate)
        {
            if (heartbeat.HasSentUs && heartbeat.SentUs != 0)
            {
                (_theirSent, _heardAt) = (heartbeat.SentUs, now);
            }

            if (!heartbeat.HasEchoUs || !heartbeat.HasEchoDelayUs)
            {
                return;
            }

            long rttUs = (long)Micros(now) - (long)Math.Min(heartbeat.EchoUs, long.MaxValue) - heartbeat.EchoDelayUs;
            if (rttUs < 0 || rttUs > MaxRtt.Ticks / TimeSpan.TicksPerMicrosecond)
            {
                return; // not an echo of ours
            }

            TimeSpan sample = TimeSpan.FromTicks(rttUs * TimeSpan.TicksPerMicrosecond);
            _rtt = _rtt is { } old ? (old * 7 + sample) / 8 : sample;
        }
    }

    /// <summary>Our monotonic clock in µs, never 0 (0 means "none" on the wire).</summary>
    private ulong Micros(long timestamp) => (ulong)Math.Max(1, (long)((Int128)timestamp * 1_000_000 / time.TimestampFrequency));
}
