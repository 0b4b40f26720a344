// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 (sender info), https://www.rfc-editor.org/rfc/rfc7667#section-3.7 (translators keep the source's timing)
namespace Casto.WebRtc.Rtcp;

/// <summary>
/// Sender clocks: by default a sender report maps our wall clock now to our last sent RTP time advanced by the time
/// since (the stream's time here). A forwarder gives each outgoing stream its source's mapping instead
/// (<see cref="SetSenderClock"/>), so the receiver learns the original sender's clock (capture time, lip sync) however
/// many hops away it is. The clock functions run once per report interval, outside the session's lock.
/// </summary>
internal sealed partial class RtcpSession
{
    private readonly Dictionary<int, Func<RtpClockMapping?>> _senderClocks = [];
    private readonly Dictionary<int, RtpClockMapping> _clockSnapshot = [];

    /// <summary>Where the sender reports of streams of <paramref name="payloadType"/> take their mapping; null: our own.</summary>
    public void SetSenderClock(int payloadType, Func<RtpClockMapping?>? clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        lock (_gate)
        {
            if (clock is null)
            {
                _senderClocks.Remove(payloadType);
                _clockSnapshot.Remove(payloadType);
            }
            else
            {
                _senderClocks[payloadType] = clock;
            }
        }
    }

    /// <summary>The mapping of the latest sender report received for <paramref name="ssrc"/>, or null.</summary>
    public RtpClockMapping? GetRemoteClock(uint ssrc)
    {
        lock (_gate)
        {
            return _remote.TryGetValue(ssrc, out RtpReceiveStream? stream) ? stream.LastSenderClock : null;
        }
    }

    /// <summary>Evaluates the sender clocks (outside the lock: they may read other sessions) into the snapshot reports use.</summary>
    private void RefreshSenderClocks()
    {
        KeyValuePair<int, Func<RtpClockMapping?>>[] clocks;
        lock (_gate)
        {
            if (_senderClocks.Count == 0)
            {
                return;
            }

            clocks = [.. _senderClocks];
        }

        Span<(int PayloadType, RtpClockMapping? Mapping)> values = stackalloc (int, RtpClockMapping?)[Math.Min(clocks.Length, 128)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (clocks[i].Key, clocks[i].Value());
        }

        lock (_gate)
        {
            foreach (var (payloadType, mapping) in values)
            {
                if (mapping is { } m && _senderClocks.ContainsKey(payloadType))
                {
                    _clockSnapshot[payloadType] = m;
                }
                else
                {
                    _clockSnapshot.Remove(payloadType);
                }
            }
        }
    }

    /// <summary>The RTP time a sender report of <paramref name="stream"/> pairs with <paramref name="ntpNow"/>. Call under the lock.</summary>
    private uint SenderRtpTimestamp(RtpSendStream stream, ulong ntpNow, long now) =>
        _clockSnapshot.TryGetValue(stream.PayloadType, out RtpClockMapping source)
            ? source.RtpAt(ntpNow, stream.ClockRate)
            : stream.LastRtpTimestamp + (uint)((double)(now - stream.LastSentAt) / _time.TimestampFrequency * stream.ClockRate);
}
