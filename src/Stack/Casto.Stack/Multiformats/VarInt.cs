// Spec: https://github.com/multiformats/unsigned-varint
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Casto.Stack.Multiformats;

/// <summary>
/// Unsigned LEB128 varints as restricted by multiformats: at most 9 bytes (63 bits of value)
/// and minimally encoded. Pure, allocation-free codec.
/// </summary>
/// <remarks>
/// <code>
///  value 300 = 0b1_0010_1100
///  byte 0: 1_0101100   (continuation bit, low 7 bits)
///  byte 1: 0_0000010   (last byte, next 7 bits)
/// </code>
/// </remarks>
public static class VarInt
{
    /// <summary>Largest encoded size in bytes (the spec's practical maximum).</summary>
    public const int MaxLength = 9;

    /// <summary>Largest encodable value, 2^63 - 1.</summary>
    public const ulong MaxValue = long.MaxValue;

    /// <summary>Number of bytes <paramref name="value"/> takes when encoded.</summary>
    public static int GetSize(ulong value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxValue);
        // 1 byte per started group of 7 bits; 0 still takes one byte.
        return Math.Max(1, (64 - System.Numerics.BitOperations.LeadingZeroCount(value) + 6) / 7);
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(ulong value, Span<byte> destination)
    {
        var size = GetSize(value);
        if (destination.Length < size)
        {
            throw new ArgumentException("Destination is too small for the varint.", nameof(destination));
        }

        for (var i = 0; i < size - 1; i++)
        {
            destination[i] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[size - 1] = (byte)value;
        return size;
    }

    /// <summary>Writes <paramref name="value"/> to <paramref name="writer"/>.</summary>
    public static void Write(ulong value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var written = Write(value, writer.GetSpan(MaxLength));
        writer.Advance(written);
    }

    /// <summary>
    /// Reads one varint. Returns false when <paramref name="source"/> ends before the varint does
    /// (read more and try again). Throws <see cref="MultiformatsException"/> on a varint that is
    /// too long or not minimal.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int consumed)
    {
        ulong result = 0;
        var limit = Math.Min(source.Length, MaxLength);
        for (var i = 0; i < limit; i++)
        {
            var b = source[i];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    throw NotMinimal();
                }

                value = result;
                consumed = i + 1;
                return true;
            }
        }

        if (source.Length >= MaxLength)
        {
            throw new MultiformatsException(MultiformatsError.VarIntTooLong, "Varint is longer than 9 bytes.");
        }

        value = 0;
        consumed = 0;
        return false;
    }

    /// <summary>Reads one varint from a possibly multi-segment sequence; see <see cref="TryRead(ReadOnlySpan{byte}, out ulong, out int)"/>.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> source, out ulong value, out int consumed)
    {
        if (source.FirstSpan.Length >= MaxLength || source.IsSingleSegment)
        {
            return TryRead(source.FirstSpan, out value, out consumed);
        }

        Span<byte> buffer = stackalloc byte[MaxLength];
        var slice = source.Length > MaxLength ? source.Slice(0, MaxLength) : source;
        slice.CopyTo(buffer);
        return TryRead(buffer[..(int)slice.Length], out value, out consumed);
    }

    /// <summary>Reads one varint that must be complete; throws <see cref="MultiformatsException"/> otherwise.</summary>
    public static ulong Read(ReadOnlySpan<byte> source, out int consumed)
    {
        if (!TryRead(source, out var value, out consumed))
        {
            throw new MultiformatsException(MultiformatsError.Truncated, "Input ended inside a varint.");
        }

        return value;
    }

    /// <summary>Reads a varint and checks it fits in an <see cref="int"/> no larger than <paramref name="max"/>.</summary>
    public static int ReadLength(ReadOnlySpan<byte> source, int max, out int consumed)
    {
        var value = Read(source, out consumed);
        if (value > (ulong)max)
        {
            throw new MultiformatsException(MultiformatsError.TooLarge, $"Length {value} exceeds the limit of {max}.");
        }

        return (int)value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static MultiformatsException NotMinimal() =>
        new(MultiformatsError.VarIntNotMinimal, "Varint is not minimally encoded.");
}
