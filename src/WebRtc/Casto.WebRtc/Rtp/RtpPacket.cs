// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-5.1 (RTP fixed header), https://www.rfc-editor.org/rfc/rfc8285 (header extensions)
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtp;

/// <summary>
/// Reads and writes whole RTP packets (header, payload, padding) without allocating.
/// See <see cref="RtpHeader"/> for the wire layout.
/// </summary>
public static class RtpPacket
{
    /// <summary>
    /// Parses <paramref name="packet"/>. Returns false for anything that is not a well-formed RTP packet:
    /// shorter than 12 bytes, version other than 2, CSRCs or extension past the end, padding count 0 or
    /// larger than the room after the header. The header spans and <paramref name="payload"/> alias the input.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out RtpHeader header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (packet.Length < RtpHeader.FixedSize || (packet[0] >> 6) != RtpHeader.Version)
        {
            return false;
        }

        byte first = packet[0];
        int csrcLength = (first & 0x0F) * 4;
        int offset = RtpHeader.FixedSize + csrcLength;
        if (offset > packet.Length)
        {
            return false;
        }

        bool hasExtension = (first & 0x10) != 0;
        ushort profile = 0;
        ReadOnlySpan<byte> extension = default;
        if (hasExtension)
        {
            if (offset + 4 > packet.Length)
            {
                return false;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            int extensionLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) * 4;
            offset += 4;
            if (extensionLength > packet.Length - offset)
            {
                return false;
            }

            extension = packet.Slice(offset, extensionLength);
            offset += extensionLength;
        }

        int end = packet.Length;
        byte paddingLength = 0;
        if ((first & 0x20) != 0)
        {
            paddingLength = packet[^1];
            if (paddingLength == 0 || paddingLength > end - offset)
            {
                return false;
            }

            end -= paddingLength;
        }

        header = new RtpHeader
        {
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = (byte)(packet[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            Csrcs = packet.Slice(RtpHeader.FixedSize, csrcLength),
            HasExtension = hasExtension,
            ExtensionProfile = profile,
            ExtensionData = extension,
            PaddingLength = paddingLength,
        };
        payload = packet[offset..end];
        return true;
    }

    /// <summary>Total packet size for <paramref name="header"/> and a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int GetSize(in RtpHeader header, int payloadLength) => header.GetSize() + payloadLength + header.PaddingLength;

    /// <summary>
    /// Writes header, payload and <see cref="RtpHeader.PaddingLength"/> padding bytes (zeros, the last one the count).
    /// Returns the bytes written; throws <see cref="RtpException"/> when <paramref name="destination"/> is too small.
    /// </summary>
    public static int Write(in RtpHeader header, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int size = GetSize(header, payload.Length);
        if (destination.Length < size)
        {
            throw new RtpException(RtpError.BufferTooSmall, $"RTP packet needs {size} bytes, got {destination.Length}.");
        }

        int offset = header.Write(destination);
        payload.CopyTo(destination[offset..]);
        offset += payload.Length;
        if (header.PaddingLength > 0)
        {
            destination.Slice(offset, header.PaddingLength - 1).Clear();
            offset += header.PaddingLength;
            destination[offset - 1] = header.PaddingLength;
        }

        return offset;
    }
}
