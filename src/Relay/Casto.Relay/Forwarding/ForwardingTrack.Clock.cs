// Spec: https://www.rfc-editor.org/rfc/rfc7667#section-3.7 (a translator forwards the source's timing),
//       https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 (sender report NTP/RTP mapping)
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtcp;

namespace Casto.Relay.Forwarding;

/// <summary>
/// Sender reports to children carry the source's clock: the mapping of the source's latest sender report, moved into
/// each child's numbering by its timestamp offset. So every viewer, however deep in a tree and through WHEP too, maps
/// RTP times to the publisher's wall clock (capture time; audio and video stay in sync as the publisher sent them),
/// not to when the packets passed the last relay.
/// </summary>
internal sealed partial class ForwardingTrack
{
    /// <summary>The source's clock (its latest sender report) in the numbering packets arrive with; null before one.</summary>
    public RtpClockMapping? SourceClock => ShiftedSourceClock(null);

    /// <summary>Makes <paramref name="child"/>'s sender reports for <paramref name="s"/> carry the source's clock.</summary>
    private void UseSourceClock(RtcPeerConnection child, TrackSubscriber s) =>
        child.SetSenderClock(s.Munger.Rewrite.PayloadType, () => ShiftedSourceClock(s));

    /// <summary>
    /// The source's clock in <paramref name="s"/>'s numbering (as packets arrive, for null); null (the child's own clock)
    /// until both are known. The source's session is asked outside the track's lock.
    /// </summary>
    private RtpClockMapping? ShiftedSourceClock(TrackSubscriber? s)
    {
        RtcPeerConnection? source;
        uint ssrc;
        uint offset = 0;
        lock (_gate)
        {
            if (s is not null && (_disposed || !s.Munger.Started))
            {
                return null; // a rebase is pending: the offset is about to change
            }

            (source, ssrc) = (_source as RtcPeerConnection, SourceSsrc);
            offset = s?.Munger.Rewrite.TimestampOffset ?? 0;
        }

        return source?.GetRemoteSenderClock(ssrc) is { } clock ? clock with { RtpTimestamp = unchecked(clock.RtpTimestamp + offset) } : null;
    }
}
