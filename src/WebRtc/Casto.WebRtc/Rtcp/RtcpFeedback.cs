// Spec: https://www.rfc-editor.org/rfc/rfc4585#section-6.1 (common packet format for feedback messages)
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>
/// The header shared by RTPFB and PSFB feedback messages:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|   FMT   |       PT      |          length               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of packet sender                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of media source                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// :            Feedback Control Information (FCI)                 :
/// </code>
/// </summary>
internal static class RtcpFeedback
{
    /// <summary>Header plus the two SSRCs.</summary>
    public const int HeaderSize = 12;

    /// <summary>Parses the feedback header of a packet of the given type and FMT; <paramref name="fci"/> is the rest.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, RtcpPacketType type, byte format, out uint senderSsrc, out uint mediaSsrc, out ReadOnlySpan<byte> fci)
    {
        senderSsrc = 0;
        mediaSsrc = 0;
        fci = default;
        if (!RtcpHeader.TryReadPacket(packet, out RtcpHeader header, out ReadOnlySpan<byte> body, out _)
            || header.Type != type || header.Count != format || body.Length < 8)
        {
            return false;
        }

        senderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        fci = body[8..];
        return true;
    }

    /// <summary>Writes the common header and SSRCs for a packet of <paramref name="size"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, RtcpPacketType type, byte format, int size, uint senderSsrc, uint mediaSsrc)
    {
        RtcpHeader.Write(destination, format, type, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
    }
}
