// Spec: https://www.w3.org/TR/webrtc-stats/#outboundrtpstats-dict* and #inboundrtpstats-dict* (a small subset)
namespace Casto.WebRtc.Rtcp;

/// <summary>
/// getStats-lite for one peer connection, summed over its SSRCs. Sent/received counts are RTP packets
/// (retransmissions included); <see cref="PacketsLost"/> is RFC 3550 cumulative loss, so recovered packets are not lost.
/// </summary>
public readonly record struct RtcpStats
{
    /// <summary>RTP packets sent (retransmissions included).</summary>
    public long PacketsSent { get; init; }

    /// <summary>RTP bytes sent, headers included.</summary>
    public long BytesSent { get; init; }

    /// <summary>RTP packets received (retransmissions included).</summary>
    public long PacketsReceived { get; init; }

    /// <summary>RTP bytes received, headers included.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Expected minus received over the remote streams (RFC 3550 A.3).</summary>
    public long PacketsLost { get; init; }

    /// <summary>Interarrival jitter of the received streams, seconds (largest over the streams).</summary>
    public double Jitter { get; init; }

    /// <summary>Generic NACK packets we sent / sequence numbers they asked for.</summary>
    public long NacksSent { get; init; }

    /// <summary>Sequence numbers our NACKs asked for.</summary>
    public long NackedPacketsRequested { get; init; }

    /// <summary>Generic NACK packets we received.</summary>
    public long NacksReceived { get; init; }

    /// <summary>Packets we resent for NACKs.</summary>
    public long RetransmittedPackets { get; init; }

    /// <summary>NACKed packets no longer in the send history.</summary>
    public long RetransmissionsMissed { get; init; }

    /// <summary>Missing packets the NACK generator gave up on.</summary>
    public long NackGivenUp { get; init; }

    /// <summary>Picture loss indications we sent.</summary>
    public long PlisSent { get; init; }

    /// <summary>Picture loss indications we received.</summary>
    public long PlisReceived { get; init; }

    /// <summary>Full intra requests we received.</summary>
    public long FirsReceived { get; init; }

    /// <summary>Sender reports sent.</summary>
    public long SenderReportsSent { get; init; }

    /// <summary>Receiver reports sent.</summary>
    public long ReceiverReportsSent { get; init; }

    /// <summary>Valid RTCP compounds received.</summary>
    public long RtcpPacketsReceived { get; init; }

    /// <summary>Received RTCP compounds dropped as malformed (or from an untracked source limit).</summary>
    public long RtcpDropped { get; init; }

    /// <summary>RTCP BYE packets received.</summary>
    public long ByesReceived { get; init; }

    /// <summary>From the peer's latest report block about our stream: fraction lost (0–1), cumulative lost, jitter (seconds).</summary>
    public double RemoteFractionLost { get; init; }

    /// <summary>Cumulative packets lost, from the peer's latest report block about our stream.</summary>
    public long RemotePacketsLost { get; init; }

    /// <summary>Interarrival jitter in seconds, from the peer's latest report block about our stream.</summary>
    public double RemoteJitter { get; init; }

    /// <summary>Round-trip time from the latest report block's LSR/DLSR (RFC 3550 §6.4.1); null before one arrived.</summary>
    public TimeSpan? RoundTripTime { get; init; }

    /// <summary>Received SRTP/SRTCP packets that failed authentication or replay checks (filled by the peer connection).</summary>
    public long UndecryptablePackets { get; init; }

    /// <summary>Of the received SRTP packets refused: replays (duplicates, e.g. a retransmission that came twice).</summary>
    public long SrtpReplayed { get; init; }

    /// <summary>Of the received SRTP packets refused: authentication failures (wrong keys, corruption, forgery).</summary>
    public long SrtpAuthenticationFailed { get; init; }

    /// <summary>Datagrams the ICE agent dropped because the connection's receive pump was behind (its queue was full).</summary>
    public long IceQueueDrops { get; init; }

    /// <summary>Datagrams from addresses that are not validated remote candidates, dropped by ICE.</summary>
    public long IceUnvalidatedSource { get; init; }
}
