// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-5.1 (sequence number and timestamp continuity),
//       https://www.rfc-editor.org/rfc/rfc7667#section-3.7 (RTP translators/switching)
using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Forwarding;

/// <summary>
/// One child's view of one track: the child's SSRC and payload type, and the offsets that turn upstream sequence
/// numbers and timestamps into the child's. They start at zero (the child sees the source's numbering) and are
/// rebased when the upstream source changes, so the child's sequence numbers and timestamps continue without a jump
/// (a raw jump of more than 2^15 would break its SRTP index estimate). Not thread-safe: the owning track serialises.
/// </summary>
internal sealed class RtpMunger(uint ssrc, int payloadType)
{
    private RtcRtpRewrite _rewrite = new(ssrc, payloadType, 0, 0);
    private bool _sentAny;
    private ushort _lastSequence;
    private uint _lastTimestamp;
    private long _lastSentAt;
    private bool _rebasePending;
    private ushort _newestUpstream;
    private long _span; // upstream sequence numbers from FirstUpstreamSequence to _newestUpstream, unwrapped

    /// <summary>The rewrite for packets of the current source.</summary>
    public ref readonly RtcRtpRewrite Rewrite => ref _rewrite;

    /// <summary>The first upstream sequence number of the current source sent to this child; NACKs before it are ignored.</summary>
    public ushort FirstUpstreamSequence { get; private set; }

    /// <summary>True once something was sent under the current source.</summary>
    public bool Started { get; private set; }

    /// <summary>The source changes: the next packet is rebased onto the child's numbering.</summary>
    public void OnSourceChanged()
    {
        _rebasePending = _sentAny;
        Started = false;
    }

    /// <summary>
    /// Before sending the upstream packet (<paramref name="sequence"/>, <paramref name="timestamp"/>) at
    /// <paramref name="now"/>: applies a pending rebase, so the child sees its last sequence number + 1 and its last
    /// timestamp advanced by the wall time since then (at <paramref name="clockRate"/>).
    /// </summary>
    public void BeforeSend(ushort sequence, uint timestamp, long now, long timestampFrequency, int clockRate)
    {
        if (_rebasePending)
        {
            _rebasePending = false;
            long elapsed = Math.Max(1, (now - _lastSentAt) * clockRate / timestampFrequency);
            _rewrite = new RtcRtpRewrite(
                _rewrite.Ssrc, _rewrite.PayloadType, (ushort)(_lastSequence + 1 - sequence), (uint)(_lastTimestamp + elapsed - timestamp));
        }

        if (!Started)
        {
            Started = true;
            FirstUpstreamSequence = sequence;
            (_newestUpstream, _span) = (sequence, 0);
        }
        else if ((short)(sequence - _newestUpstream) > 0)
        {
            _span += (ushort)(sequence - _newestUpstream);
            _newestUpstream = sequence;
        }
    }

    /// <summary>
    /// True for an upstream sequence number from before this child's first packet of the current source (a late
    /// retransmission it never had the original of). Unwrapped: correct however long the stream has run.
    /// </summary>
    public bool IsBeforeStart(ushort sequence)
    {
        if (!Started)
        {
            return false;
        }

        ushort back = (ushort)(_newestUpstream - sequence);
        return back < 0x8000 && back > _span; // behind the newest by more than the child has seen
    }

    /// <summary>After a packet went to the child: remembers the child's last sequence number and timestamp.</summary>
    public void AfterSend(ushort sequence, uint timestamp, long now)
    {
        ushort childSequence = (ushort)(sequence + _rewrite.SequenceOffset);
        if (!_sentAny || (short)(childSequence - _lastSequence) > 0)
        {
            _lastSequence = childSequence;
            _lastTimestamp = timestamp + _rewrite.TimestampOffset;
            _lastSentAt = now;
        }

        _sentAny = true;
    }

    /// <summary>Maps a sequence number the child NACKs back to upstream numbering; false for one before this source's start.</summary>
    public bool TryMapNack(ushort childSequence, out ushort upstreamSequence)
    {
        upstreamSequence = (ushort)(childSequence - _rewrite.SequenceOffset);
        return Started && !IsBeforeStart(upstreamSequence) && (ushort)(_newestUpstream - upstreamSequence) < 0x8000;
    }
}
