// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>
/// Receiver report (PT=201):
/// <code>
///        0                   1                   2                   3
///        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// header |V=2|P|    RC   |   PT=RR=201   |             length            |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |                     SSRC of packet sender                     |
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///       |                 report blocks (RC × 24 bytes)                 |
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///       |                  profile-specific extensions                  |
/// </code>
/// </summary>
internal readonly ref struct ReceiverReport
{
    /// <summary>SSRC of the reporting receiver.</summary>
    public uint Ssrc { get; init; }

    /// <summary>Up to 31 report blocks.</summary>
    public ReportBlocks Reports { get; init; }

    /// <summary>Parses one RR packet; false for another type or a count that does not fit the length.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out ReceiverReport report)
    {
        report = default;
        if (!RtcpHeader.TryReadPacket(packet, out RtcpHeader header, out ReadOnlySpan<byte> body, out _)
            || header.Type != RtcpPacketType.ReceiverReport
            || body.Length < 4 + (header.Count * ReceptionReport.Size))
        {
            return false;
        }

        report = new ReceiverReport
        {
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(body),
            Reports = ReportBlocks.FromWire(body.Slice(4, header.Count * ReceptionReport.Size)),
        };
        return true;
    }

    /// <summary>Encoded size.</summary>
    public int GetSize() => RtcpHeader.Size + 4 + Reports.Size;

    /// <summary>Writes the packet; throws <see cref="RtcpException"/> for more than 31 blocks or a short buffer.</summary>
    public int Write(Span<byte> destination)
    {
        int size = GetSize();
        RtcpHeader.Write(destination, Reports.Count, RtcpPacketType.ReceiverReport, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Ssrc);
        Reports.Write(destination[8..]);
        return size;
    }
}
