// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>
/// Sender report (PT=200):
/// <code>
///        0                   1                   2                   3
///        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// header |V=2|P|    RC   |   PT=SR=200   |             length            |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |                         SSRC of sender                        |
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// sender |              NTP timestamp, most significant word             |
/// info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |             NTP timestamp, least significant word             |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |                         RTP timestamp                         |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |                     sender's packet count                     |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |                      sender's octet count                     |
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///       |                 report blocks (RC × 24 bytes)                 |
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///       |                  profile-specific extensions                  |
/// </code>
/// </summary>
internal readonly ref struct SenderReport
{
    private const int SenderInfoSize = 20;

    /// <summary>SSRC of the sender.</summary>
    public uint Ssrc { get; init; }

    /// <summary>64-bit NTP wallclock (32.32 fixed point since 1900).</summary>
    public ulong NtpTimestamp { get; init; }

    /// <summary>RTP timestamp corresponding to <see cref="NtpTimestamp"/>.</summary>
    public uint RtpTimestamp { get; init; }

    /// <summary>Packets sent since the start.</summary>
    public uint PacketCount { get; init; }

    /// <summary>Payload octets sent since the start.</summary>
    public uint OctetCount { get; init; }

    /// <summary>Up to 31 report blocks.</summary>
    public ReportBlocks Reports { get; init; }

    /// <summary>Parses one SR packet (header included); false for another type, a count that does not fit the length, or short input.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out SenderReport report)
    {
        report = default;
        if (!RtcpHeader.TryReadPacket(packet, out RtcpHeader header, out ReadOnlySpan<byte> body, out _)
            || header.Type != RtcpPacketType.SenderReport
            || body.Length < 4 + SenderInfoSize + (header.Count * ReceptionReport.Size))
        {
            return false;
        }

        report = new SenderReport
        {
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(body),
            NtpTimestamp = BinaryPrimitives.ReadUInt64BigEndian(body[4..]),
            RtpTimestamp = BinaryPrimitives.ReadUInt32BigEndian(body[12..]),
            PacketCount = BinaryPrimitives.ReadUInt32BigEndian(body[16..]),
            OctetCount = BinaryPrimitives.ReadUInt32BigEndian(body[20..]),
            Reports = ReportBlocks.FromWire(body.Slice(4 + SenderInfoSize, header.Count * ReceptionReport.Size)),
        };
        return true;
    }

    /// <summary>Encoded size.</summary>
    public int GetSize() => RtcpHeader.Size + 4 + SenderInfoSize + Reports.Size;

    /// <summary>Writes the packet; throws <see cref="RtcpException"/> for more than 31 blocks or a short buffer.</summary>
    public int Write(Span<byte> destination)
    {
        int size = GetSize();
        RtcpHeader.Write(destination, Reports.Count, RtcpPacketType.SenderReport, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], OctetCount);
        Reports.Write(destination[28..]);
        return size;
    }
}
