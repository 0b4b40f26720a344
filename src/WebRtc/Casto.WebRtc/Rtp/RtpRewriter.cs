using System.Buffers.Binary;

namespace Casto.WebRtc.Rtp;

/// <summary>
/// In-place edits of the fixed header of a packet already checked by <see cref="RtpPacket.TryRead"/>:
/// a relay rewrites SSRC, sequence number, timestamp and payload type per hop without re-encoding.
/// Each method throws <see cref="RtpException"/> (<see cref="RtpError.Malformed"/>) for fewer than 12 bytes.
/// </summary>
internal static class RtpRewriter
{
    /// <summary>Reads the sequence number at bytes 2–3.</summary>
    public static ushort GetSequenceNumber(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(Checked(packet)[2..]);

    /// <summary>Reads the timestamp at bytes 4–7.</summary>
    public static uint GetTimestamp(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(Checked(packet)[4..]);

    /// <summary>Reads the SSRC at bytes 8–11.</summary>
    public static uint GetSsrc(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(Checked(packet)[8..]);

    /// <summary>Reads the 7-bit payload type.</summary>
    public static byte GetPayloadType(ReadOnlySpan<byte> packet) => (byte)(Checked(packet)[1] & 0x7F);

    /// <summary>Overwrites the sequence number.</summary>
    public static void SetSequenceNumber(Span<byte> packet, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Checked(packet)[2..], value);

    /// <summary>Overwrites the timestamp.</summary>
    public static void SetTimestamp(Span<byte> packet, uint value) => BinaryPrimitives.WriteUInt32BigEndian(Checked(packet)[4..], value);

    /// <summary>Overwrites the SSRC.</summary>
    public static void SetSsrc(Span<byte> packet, uint value) => BinaryPrimitives.WriteUInt32BigEndian(Checked(packet)[8..], value);

    /// <summary>Overwrites the payload type, keeping the marker bit.</summary>
    public static void SetPayloadType(Span<byte> packet, byte value)
    {
        if (value > 127)
        {
            throw new RtpException(RtpError.InvalidField, "RTP payload type is 7 bits.");
        }

        Span<byte> p = Checked(packet);
        p[1] = (byte)((p[1] & 0x80) | value);
    }

    /// <summary>Sets or clears the marker bit.</summary>
    public static void SetMarker(Span<byte> packet, bool marker)
    {
        Span<byte> p = Checked(packet);
        p[1] = (byte)(marker ? p[1] | 0x80 : p[1] & 0x7F);
    }

    /// <summary>
    /// Overwrites the value of header extension element <paramref name="id"/> with <paramref name="value"/> of the
    /// same length (e.g. abs-send-time per hop). Returns false when the packet is malformed, the element is missing
    /// or has another length.
    /// </summary>
    public static bool TrySetExtension(Span<byte> packet, int id, ReadOnlySpan<byte> value)
    {
        if (!RtpPacket.TryRead(packet, out RtpHeader header, out _) || !header.HasExtension)
        {
            return false;
        }

        int extensionOffset = RtpHeader.FixedSize + header.Csrcs.Length + 4;
        var reader = new RtpExtensionReader(header.ExtensionProfile, header.ExtensionData);
        while (reader.TryReadNext(out int elementId, out int offset, out int length))
        {
            if (elementId == id)
            {
                if (length != value.Length)
                {
                    return false;
                }

                value.CopyTo(packet.Slice(extensionOffset + offset, length));
                return true;
            }
        }

        return false;
    }

    private static Span<byte> Checked(Span<byte> packet) =>
        packet.Length >= RtpHeader.FixedSize ? packet : throw new RtpException(RtpError.Malformed, "RTP packet shorter than 12 bytes.");

    private static ReadOnlySpan<byte> Checked(ReadOnlySpan<byte> packet) =>
        packet.Length >= RtpHeader.FixedSize ? packet : throw new RtpException(RtpError.Malformed, "RTP packet shorter than 12 bytes.");
}
