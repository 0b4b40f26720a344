// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 (sender report: NTP and RTP timestamps)
using Casto.WebRtc.Rtcp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>Sender report clocks: reading the peer's, and giving ours the source's when forwarding.</summary>
public sealed partial class RtcPeerConnection
{
    private readonly Dictionary<int, Func<RtpClockMapping?>> _senderClocks = [];

    /// <summary>
    /// Makes the sender reports of our streams of <paramref name="payloadType"/> carry <paramref name="clock"/>'s
    /// mapping (asked once per report interval, off the send path) instead of our own send times: a forwarder passes
    /// its source's clock (<see cref="GetRemoteSenderClock"/>, shifted by its timestamp rewrite), so a receiver any
    /// number of hops away maps RTP times to the original sender's wall clock. When it returns null, our own is used.
    /// <see langword="null"/> removes it. May be called before or after the connection is up.
    /// </summary>
    public void SetSenderClock(int payloadType, Func<RtpClockMapping?>? clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        lock (_senderClocks)
        {
            if (clock is null)
            {
                _senderClocks.Remove(payloadType);
            }
            else
            {
                _senderClocks[payloadType] = clock;
            }

            Volatile.Read(ref _rtcp)?.SetSenderClock(payloadType, clock);
        }
    }

    /// <summary>
    /// The clock mapping of the peer's latest sender report for <paramref name="ssrc"/> (its NTP time of an RTP time),
    /// or null before one arrived.
    /// </summary>
    public RtpClockMapping? GetRemoteSenderClock(uint ssrc) => Volatile.Read(ref _rtcp)?.GetRemoteClock(ssrc);

    /// <summary>Hook (RTCP start, under the <c>_senderClocks</c> lock): the clocks set before the session existed.</summary>
    private void ApplySenderClocks(RtcpSession session)
    {
        foreach (var (payloadType, clock) in _senderClocks)
        {
            session.SetSenderClock(payloadType, clock);
        }
    }
}
