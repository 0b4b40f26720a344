// Spec: https://wiki.multimedia.cx/index.php/Duck_IVF (frame header)
using System.Buffers.Binary;

namespace Casto.WebRtc.Media;

/// <summary>
/// The 12-byte header before each IVF frame (little endian):
/// <code>
/// bytes 0-3   frame size in bytes (not counting this header)
/// bytes 4-11  timestamp (presentation time in timebase units)
/// </code>
/// </summary>
internal static class IvfFrameHeader
{
    public const int Size = 12;

    /// <summary>Parses a frame header; false when fewer than 12 bytes are given. Oversize or empty frames throw.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, int maxFrameSize, out int frameSize, out long timestamp)
    {
        frameSize = 0;
        timestamp = 0;
        if (source.Length < Size)
        {
            return false;
        }

        uint size = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (size > (uint)maxFrameSize)
        {
            throw new MediaException(MediaError.TooLarge, $"IVF frame of {size} bytes exceeds the {maxFrameSize}-byte limit.");
        }

        if (size == 0)
        {
            throw new MediaException(MediaError.InvalidData, "Empty IVF frame.");
        }

        frameSize = (int)size;
        timestamp = BinaryPrimitives.ReadInt64LittleEndian(source[4..]);
        return true;
    }

    /// <summary>
    /// Parses one whole frame (header + bytes) from <paramref name="source"/>; false until it is all there.
    /// <paramref name="frame"/> is a slice of the input.
    /// </summary>
    public static bool TryReadFrame(ReadOnlySpan<byte> source, int maxFrameSize, out ReadOnlySpan<byte> frame, out long timestamp, out int consumed)
    {
        frame = default;
        consumed = 0;
        if (!TryRead(source, maxFrameSize, out int size, out timestamp) || source.Length - Size < size)
        {
            return false;
        }

        frame = source.Slice(Size, size);
        consumed = Size + size;
        return true;
    }

    public static void Write(Span<byte> destination, int frameSize, long timestamp)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)frameSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], timestamp);
    }
}
