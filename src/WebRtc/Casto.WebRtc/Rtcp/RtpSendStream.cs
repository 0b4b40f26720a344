// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 (sender info; RTT from LSR/DLSR)
namespace Casto.WebRtc.Rtcp;

/// <summary>Send-side state of one local SSRC: SR counters and the peer's latest report block about it. Not thread-safe.</summary>
internal sealed class RtpSendStream(uint ssrc, int clockRate, int payloadType = 0)
{
    public uint Ssrc { get; } = ssrc;

    /// <summary>The payload type of its first packet (which picks its sender clock).</summary>
    public int PayloadType { get; } = payloadType;

    /// <summary>RTP clock rate of the stream's payload type.</summary>
    public int ClockRate { get; } = clockRate;

    /// <summary>RTP packets sent (retransmissions are not counted here).</summary>
    public long Packets { get; private set; }

    /// <summary>Payload octets sent (SR octet count).</summary>
    public long Octets { get; private set; }

    /// <summary>Whole RTP packet bytes sent.</summary>
    public long Bytes { get; private set; }

    public uint LastRtpTimestamp { get; private set; }

    /// <summary>When the last packet was sent (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long LastSentAt { get; private set; }

    public bool HasRemoteReport { get; private set; }

    public byte FractionLost { get; private set; }

    public int CumulativeLost { get; private set; }

    /// <summary>Jitter the peer reported, RTP timestamp units.</summary>
    public uint Jitter { get; private set; }

    public TimeSpan? RoundTripTime { get; private set; }

    public void OnSent(uint rtpTimestamp, int payloadLength, int length, long now)
    {
        Packets++;
        Octets += payloadLength;
        Bytes += length;
        LastRtpTimestamp = rtpTimestamp;
        LastSentAt = now;
    }

    /// <summary>Applies a report block about this stream; <paramref name="ntpNow"/> is our NTP time now.</summary>
    public void OnReport(in ReceptionReport report, ulong ntpNow)
    {
        HasRemoteReport = true;
        FractionLost = report.FractionLost;
        CumulativeLost = report.CumulativeLost;
        Jitter = report.Jitter;
        if (report.LastSenderReport != 0)
        {
            uint rtt = (uint)(ntpNow >> 16) - report.LastSenderReport - report.DelaySinceLastSenderReport;
            if (rtt < 0x8000_0000u)
            {
                RoundTripTime = TimeSpan.FromSeconds(rtt / 65536.0);
            }
        }
    }
}
