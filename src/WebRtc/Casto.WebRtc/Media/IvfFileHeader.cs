// Spec: https://wiki.multimedia.cx/index.php/Duck_IVF (IVF container; libvpx ivfdec.c/ivfenc.c)
using System.Buffers.Binary;

namespace Casto.WebRtc.Media;

/// <summary>
/// The 32-byte IVF file header (all fields little endian):
/// <code>
/// bytes 0-3    signature "DKIF"
/// bytes 4-5    version (0)
/// bytes 6-7    header size in bytes (32)
/// bytes 8-11   codec FourCC ("VP80")
/// bytes 12-13  width in pixels
/// bytes 14-15  height in pixels
/// bytes 16-19  timebase rate (denominator, e.g. 30)
/// bytes 20-23  timebase scale (numerator, e.g. 1)
/// bytes 24-27  number of frames
/// bytes 28-31  unused
/// </code>
/// Each frame follows as a 12-byte header (4-byte size, 8-byte timestamp in timebase units) and the frame bytes.
/// </summary>
public readonly record struct IvfFileHeader
{
    /// <summary>Size of the header this library writes.</summary>
    public const int Size = 32;

    /// <summary>FourCC of VP8, the only codec the reader accepts.</summary>
    public const uint Vp8FourCc = 0x30385056; // "VP80" little endian

    /// <summary>Format version (0).</summary>
    public ushort Version { get; init; }

    /// <summary>Header size from the file; the reader skips bytes past <see cref="Size"/>.</summary>
    public ushort HeaderSize { get; init; }

    /// <summary>Codec FourCC as a little-endian integer.</summary>
    public uint FourCc { get; init; }

    /// <summary>Width in pixels.</summary>
    public ushort Width { get; init; }

    /// <summary>Height in pixels.</summary>
    public ushort Height { get; init; }

    /// <summary>Timebase denominator ("rate"): ticks per <see cref="TimebaseScale"/> seconds.</summary>
    public uint TimebaseRate { get; init; }

    /// <summary>Timebase numerator ("scale").</summary>
    public uint TimebaseScale { get; init; }

    /// <summary>Frame count as written in the header (writers that cannot seek leave it 0).</summary>
    public uint FrameCount { get; init; }

    /// <summary>Seconds per timestamp tick.</summary>
    public MediaTimebase Timebase => new((int)TimebaseScale, (int)TimebaseRate);

    /// <summary>A VP8 header for <paramref name="width"/>x<paramref name="height"/> with one tick per frame at <paramref name="framesPerSecond"/>.</summary>
    public static IvfFileHeader ForVp8(ushort width, ushort height, int framesPerSecond, uint frameCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerSecond, 1);
        return new()
        {
            HeaderSize = Size, FourCc = Vp8FourCc, Width = width, Height = height,
            TimebaseRate = (uint)framesPerSecond, TimebaseScale = 1, FrameCount = frameCount,
        };
    }

    /// <summary>
    /// Parses the header; false when fewer than <see cref="Size"/> bytes are given.
    /// Throws <see cref="MediaException"/> for a bad signature, header size or timebase, or a codec other than VP8.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IvfFileHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        if (!source[..4].SequenceEqual("DKIF"u8))
        {
            throw new MediaException(MediaError.InvalidData, "Not an IVF file (no DKIF signature).");
        }

        header = new IvfFileHeader
        {
            Version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]),
            HeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(source[6..]),
            FourCc = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
            Width = BinaryPrimitives.ReadUInt16LittleEndian(source[12..]),
            Height = BinaryPrimitives.ReadUInt16LittleEndian(source[14..]),
            TimebaseRate = BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
            TimebaseScale = BinaryPrimitives.ReadUInt32LittleEndian(source[20..]),
            FrameCount = BinaryPrimitives.ReadUInt32LittleEndian(source[24..]),
        };
        if (header.HeaderSize < Size)
        {
            throw new MediaException(MediaError.InvalidData, $"IVF header size {header.HeaderSize} is below {Size}.");
        }

        if (header.TimebaseRate is 0 or > int.MaxValue || header.TimebaseScale is 0 or > int.MaxValue)
        {
            throw new MediaException(MediaError.InvalidData, $"Invalid IVF timebase {header.TimebaseScale}/{header.TimebaseRate}.");
        }

        if (header.FourCc != Vp8FourCc)
        {
            throw new MediaException(MediaError.UnsupportedCodec, $"IVF codec 0x{header.FourCc:X8} is not VP80.");
        }

        return true;
    }

    /// <summary>Writes the 32-byte header (header size is always written as 32).</summary>
    public void WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        "DKIF"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], Size);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], FourCc);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[12..], Width);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[14..], Height);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], TimebaseRate);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], TimebaseScale);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], FrameCount);
        destination.Slice(28, 4).Clear();
    }
}
