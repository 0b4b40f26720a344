namespace Casto.WebRtc.Rtp;

/// <summary>Wrap-aware arithmetic on 16-bit RTP sequence numbers (RFC 3550 Appendix A.1).</summary>
internal static class RtpSequence
{
    /// <summary>Signed distance from <paramref name="from"/> to <paramref name="to"/> in [-32768, 32767].</summary>
    public static int Distance(ushort from, ushort to) => (short)(ushort)(to - from);

    /// <summary>True when <paramref name="a"/> comes after <paramref name="b"/> (within half the space).</summary>
    public static bool IsNewer(ushort a, ushort b) => Distance(b, a) > 0;
}

/// <summary>Extends 16-bit sequence numbers to 64 bits by counting wraps relative to the highest seen.</summary>
internal struct RtpSequenceUnwrapper
{
    private long _highest;
    private bool _started;

    /// <summary>Highest extended sequence number so far (-1 before the first packet).</summary>
    public readonly long Highest => _started ? _highest : -1;

    /// <summary>Returns the extended sequence number of <paramref name="sequenceNumber"/> and updates the highest.</summary>
    public long Unwrap(ushort sequenceNumber)
    {
        if (!_started)
        {
            _started = true;
            _highest = sequenceNumber + 65536L;
            return _highest;
        }

        long extended = _highest + RtpSequence.Distance((ushort)_highest, sequenceNumber);
        if (extended > _highest)
        {
            _highest = extended;
        }

        return extended;
    }
}
