// Spec: https://www.rfc-editor.org/rfc/rfc7983#section-7 as updated by https://www.rfc-editor.org/rfc/rfc9443#section-3;
// RTP vs RTCP: https://www.rfc-editor.org/rfc/rfc5761#section-4
namespace Casto.WebRtc.Demux;

/// <summary>What a datagram on the shared ICE 5-tuple carries.</summary>
internal enum PacketKind : byte
{
    /// <summary>Empty, or a first byte in a range RFC 9443 says to drop (4–15, 192–255).</summary>
    Unknown,
    Stun,
    Zrtp,
    Dtls,
    TurnChannel,
    Quic,
    Rtp,
    Rtcp,
}

/// <summary>
/// Classifies a datagram by its first byte (RFC 9443 §3):
/// <code>
///              +----------------+
///              |        [0..3] -+--> forward to STUN
///              |                |
///              |      [16..19] -+--> forward to ZRTP
///              |                |
///  packet -->  |      [20..63] -+--> forward to DTLS
///              |                |
///              |      [64..79] -+--> forward to TURN Channel
///              |                |
///              |     [80..127] -+--> forward to QUIC (64..127 when no TURN channels are in use)
///              |                |
///              |    [128..191] -+--> forward to RTP/RTCP
///              +----------------+
/// </code>
/// RTP and RTCP share 128–191; with rtcp-mux an RTCP packet type (second byte, marker bit included) is 192–223
/// (RFC 5761 §4), which is why RTP payload types 64–95 are not used.
/// </summary>
internal static class PacketClassifier
{
    public static PacketKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return PacketKind.Unknown;
        }

        return datagram[0] switch
        {
            <= 3 => PacketKind.Stun,
            >= 16 and <= 19 => PacketKind.Zrtp,
            >= 20 and <= 63 => PacketKind.Dtls,
            >= 64 and <= 79 => PacketKind.TurnChannel,
            >= 80 and <= 127 => PacketKind.Quic,
            >= 128 and <= 191 => IsRtcp(datagram) ? PacketKind.Rtcp : PacketKind.Rtp,
            _ => PacketKind.Unknown,
        };
    }

    /// <summary>True when the second byte is an RTCP packet type (192–223). Needs at least two bytes.</summary>
    public static bool IsRtcp(ReadOnlySpan<byte> datagram) => datagram.Length >= 2 && datagram[1] is >= 192 and <= 223;
}
