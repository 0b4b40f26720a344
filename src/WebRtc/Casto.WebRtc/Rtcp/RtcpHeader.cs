// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.4 (common header), RFC 4585 §6.1, RFC 5104 §4.3
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).</summary>
internal enum RtcpPacketType : byte
{
    /// <summary>Sender report.</summary>
    SenderReport = 200,
    /// <summary>Receiver report.</summary>
    ReceiverReport = 201,
    /// <summary>Source description.</summary>
    SourceDescription = 202,
    /// <summary>Goodbye.</summary>
    Goodbye = 203,
    /// <summary>Application-defined.</summary>
    ApplicationDefined = 204,
    /// <summary>Transport-layer feedback (generic NACK is FMT 1).</summary>
    TransportFeedback = 205,
    /// <summary>Payload-specific feedback (PLI FMT 1, FIR FMT 4).</summary>
    PayloadFeedback = 206,
}

/// <summary>
/// The 4-byte header shared by every RTCP packet:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P| RC/FMT  |      PT       |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// <see cref="Count"/> is the report/source count, or the feedback message type (FMT). <see cref="Length"/> is
/// the packet size in 32-bit words minus one.
/// </summary>
internal readonly record struct RtcpHeader(bool Padding, byte Count, RtcpPacketType Type, ushort Length)
{
    /// <summary>Header size.</summary>
    public const int Size = 4;

    /// <summary>Largest value of the 5-bit count field.</summary>
    public const int MaxCount = 31;

    /// <summary>The whole packet size in bytes.</summary>
    public int PacketSize => (Length + 1) * 4;

    /// <summary>Parses the header; false for fewer than 4 bytes or a version other than 2.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out RtcpHeader header)
    {
        if (source.Length < Size || (source[0] >> 6) != 2)
        {
            header = default;
            return false;
        }

        header = new RtcpHeader((source[0] & 0x20) != 0, (byte)(source[0] & 0x1F), (RtcpPacketType)source[1], BinaryPrimitives.ReadUInt16BigEndian(source[2..]));
        return true;
    }

    /// <summary>Writes the header for a packet of <paramref name="packetSize"/> bytes (a multiple of 4).</summary>
    public static void Write(Span<byte> destination, int count, RtcpPacketType type, int packetSize, bool padding = false)
    {
        if (count is < 0 or > MaxCount || packetSize % 4 != 0 || packetSize < Size || packetSize > 65536 * 4)
        {
            throw new RtcpException(RtcpError.InvalidField, "RTCP count or length out of range.");
        }

        RtcpException.ThrowIfTooSmall(destination, packetSize);
        destination[0] = (byte)(0x80 | (padding ? 0x20 : 0) | count);
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((packetSize / 4) - 1));
    }

    /// <summary>
    /// Splits one packet off a compound: checks the header, that the declared length fits, and strips padding.
    /// <paramref name="body"/> is the bytes after the header without padding; <paramref name="size"/> the declared size.
    /// </summary>
    public static bool TryReadPacket(ReadOnlySpan<byte> source, out RtcpHeader header, out ReadOnlySpan<byte> body, out int size)
    {
        body = default;
        size = 0;
        if (!TryRead(source, out header) || header.PacketSize > source.Length)
        {
            return false;
        }

        size = header.PacketSize;
        body = source[Size..size];
        if (header.Padding)
        {
            int padding = body.IsEmpty ? 0 : body[^1];
            if (padding == 0 || padding > body.Length)
            {
                return false;
            }

            body = body[..^padding];
        }

        return true;
    }
}
