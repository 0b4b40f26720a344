using Casto.WebRtc.Nack;

namespace Casto.WebRtc.Rtcp;

/// <summary>Limits and intervals of an <see cref="RtcpSession"/>. Validated and read when the session is created.</summary>
internal sealed class RtcpSessionOptions
{
    /// <summary>Interval of the regular SR/RR + SDES compound (RFC 3550 §6.2, simplified: fixed, no randomisation). Default 1 s.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often due NACKs are collected and sent (RFC 4585 early feedback, simplified to a tick). Default 20 ms.</summary>
    public TimeSpan FeedbackInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Sent packets kept per local SSRC for retransmission (power of two, 16–32768; 0 keeps none and hands NACKs to <see cref="RtcpSession.NackReceived"/>). Default 1024.</summary>
    public int SendHistorySize { get; set; } = 1024;

    /// <summary>Largest RTP packet kept in the send history. Default 1500.</summary>
    public int MaxPacketSize { get; set; } = 1500;

    /// <summary>Local (sent) SSRCs tracked for SR and retransmission (1–16). Default 4.</summary>
    public int MaxLocalStreams { get; set; } = 4;

    /// <summary>Remote (received) SSRCs tracked for RR and NACK (1–31, the report block limit). Default 8.</summary>
    public int MaxRemoteStreams { get; set; } = 8;

    /// <summary>RTP clock rate of the media (jitter, SR RTP timestamps). Default 90000 (video).</summary>
    public int ClockRate { get; set; } = 90_000;

    /// <summary>A packet is not retransmitted again within this interval (duplicate NACKs). Default 10 ms.</summary>
    public TimeSpan MinResendInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Receiver-side NACK limits; <see cref="NackGeneratorOptions.MaxPerNack"/> at most 128. Default: retries 10, every 50 ms, for 1 s, 64 per NACK.</summary>
    public NackGeneratorOptions Nack { get; set; } = new() { MaxPerNack = 64 };

    /// <summary>Clock of every timer and timestamp (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Nack);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReportInterval, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfLessThan(FeedbackInterval, TimeSpan.FromMilliseconds(1));
        if (SendHistorySize != 0 && (SendHistorySize is < 16 or > 32768 || (SendHistorySize & (SendHistorySize - 1)) != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(SendHistorySize), SendHistorySize, "Must be 0 (no history) or a power of two between 16 and 32768.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPacketSize, 12);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPacketSize, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLocalStreams, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxLocalStreams, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRemoteStreams, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRemoteStreams, RtcpHeader.MaxCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(ClockRate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Nack.MaxPerNack, 128);
    }
}
