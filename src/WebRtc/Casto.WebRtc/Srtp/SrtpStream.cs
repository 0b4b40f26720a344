namespace Casto.WebRtc.Srtp;

/// <summary>
/// State of one SSRC in one direction: the SRTP roll-over counter and highest sequence number (s_l),
/// the SRTCP index, and on the receive side the two replay windows.
/// </summary>
internal sealed class SrtpStream
{
    public SrtpStream(int replayWindowSize)
    {
        if (replayWindowSize > 0)
        {
            RtpReplay = new ReplayWindow(replayWindowSize);
            RtcpReplay = new ReplayWindow(replayWindowSize);
        }
    }

    /// <summary>The roll-over counter: how often the sequence number wrapped (RFC 3711 §3.3.1).</summary>
    public uint Roc { get; set; }

    /// <summary>s_l, the highest sequence number sent or authenticated so far.</summary>
    public ushort HighestSeq { get; private set; }

    /// <summary>Whether any RTP packet has been sent or authenticated.</summary>
    public bool RtpStarted { get; private set; }

    /// <summary>The last SRTCP index sent (outbound streams).</summary>
    public uint RtcpIndex { get; set; }

    /// <summary>SRTP replay window (inbound streams only).</summary>
    public ReplayWindow? RtpReplay { get; }

    /// <summary>SRTCP replay window (inbound streams only).</summary>
    public ReplayWindow? RtcpReplay { get; }

    /// <summary>
    /// Estimates the ROC of <paramref name="seq"/> relative to s_l (RFC 3711 §3.3.1, Appendix A); false when the
    /// guess falls outside 0..2^32−1 (before the first packet, or past the end of the index space).
    /// </summary>
    public bool TryEstimateRoc(ushort seq, out uint roc, out bool beforeStart)
    {
        long guess = Roc;
        if (RtpStarted)
        {
            int sl = HighestSeq;
            if (sl < 32768)
            {
                if (seq - sl > 32768)
                {
                    guess--;
                }
            }
            else if (sl - 32768 > seq)
            {
                guess++;
            }
        }

        beforeStart = guess < 0;
        roc = (uint)guess;
        return guess is >= 0 and <= uint.MaxValue;
    }

    /// <summary>Moves s_l and the ROC forward once a packet with (<paramref name="roc"/>, <paramref name="seq"/>) is sent or authenticated.</summary>
    public void Advance(uint roc, ushort seq)
    {
        ulong index = ((ulong)roc << 16) | seq;
        if (!RtpStarted || index > (((ulong)Roc << 16) | HighestSeq))
        {
            Roc = roc;
            HighestSeq = seq;
            RtpStarted = true;
        }
    }
}
