// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-12.4 (ChannelData message), §12.5 (padding over UDP)
using System.Buffers.Binary;

namespace Casto.WebRtc.Turn;

/// <summary>
/// The ChannelData framing:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Channel Number        |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// /                       Application Data                        /
/// /                                                               /
/// |                                                               |
/// |                               +-------------------------------+
/// |                               |
/// +-------------------------------+
/// </code>
/// Channel numbers are 0x4000–0x4FFF (RFC 8656 §12; RFC 5766 allowed up to 0x7FFF, which RFC 8656 reserves, so the first
/// byte is 64–79 as the RFC 7983 demultiplexer expects). Length counts the data only. Over UDP the padding to a multiple
/// of 4 is optional (§12.5): the writer leaves it out unless asked, the reader accepts trailing bytes after Length.
/// </summary>
internal static class TurnChannelData
{
    public const int HeaderSize = 4;

    public const ushort MinChannel = 0x4000;

    public const ushort MaxChannel = 0x4FFF;

    public static bool IsValidChannel(int channel) => channel is >= MinChannel and <= MaxChannel;

    /// <summary>
    /// Parses a ChannelData datagram. Returns false when the first two bits are not 01 (not ChannelData); throws
    /// <see cref="TurnException"/> (<see cref="TurnError.Malformed"/>) when it is but the channel is reserved or Length overruns.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out ushort channel, out ReadOnlySpan<byte> data)
    {
        channel = 0;
        data = default;
        if (datagram.Length < HeaderSize || (datagram[0] & 0xC0) != 0x40)
        {
            return false;
        }

        channel = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        if (!IsValidChannel(channel))
        {
            throw new TurnException(TurnError.Malformed, $"ChannelData on reserved channel 0x{channel:x4}.");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (HeaderSize + length > datagram.Length)
        {
            throw new TurnException(TurnError.Malformed, $"ChannelData length {length} exceeds the {datagram.Length - HeaderSize} bytes received.");
        }

        data = datagram.Slice(HeaderSize, length);
        return true;
    }

    /// <summary>Size of the frame for <paramref name="dataLength"/> bytes, padded to 4 when <paramref name="pad"/>.</summary>
    public static int GetSize(int dataLength, bool pad) => HeaderSize + (pad ? (dataLength + 3) & ~3 : dataLength);

    /// <summary>Writes the frame into <paramref name="destination"/>; returns the bytes written (padding zeroed).</summary>
    public static int Write(Span<byte> destination, ushort channel, ReadOnlySpan<byte> data, bool pad = false)
    {
        if (!IsValidChannel(channel))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "Channel numbers are 0x4000–0x4FFF.");
        }

        if (data.Length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, "ChannelData carries at most 65535 bytes.");
        }

        var size = GetSize(data.Length, pad);
        if (destination.Length < size)
        {
            throw new TurnException(TurnError.BufferTooSmall, $"No room for a {size}-byte ChannelData frame.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)data.Length);
        data.CopyTo(destination[HeaderSize..]);
        destination[(HeaderSize + data.Length)..size].Clear();
        return size;
    }
}
