// Spec: https://github.com/libp2p/specs/blob/master/yamux/README.md#framing (verbatim copy of hashicorp/yamux spec.md)
using System.Buffers;
using System.Buffers.Binary;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>The frame type (spec "Type Field").</summary>
internal enum YamuxFrameType : byte
{
    /// <summary>Stream data; the length is the payload size.</summary>
    Data = 0,
    /// <summary>Adds the length to the sender's window for the stream.</summary>
    WindowUpdate = 1,
    /// <summary>Session ping; the length is an opaque value the answer echoes.</summary>
    Ping = 2,
    /// <summary>Session termination; the length is a <see cref="YamuxGoAwayCode"/>.</summary>
    GoAway = 3,
}

/// <summary>The frame flags (spec "Flag Field"). Unknown bits are carried but ignored.</summary>
[Flags]
internal enum YamuxFlags : ushort
{
    None = 0,
    /// <summary>Opens a stream; on a ping, a request.</summary>
    Syn = 0x1,
    /// <summary>Acknowledges a stream; on a ping, the answer.</summary>
    Ack = 0x2,
    /// <summary>Half-closes the sender's side of a stream.</summary>
    Fin = 0x4,
    /// <summary>Resets a stream at once.</summary>
    Rst = 0x8,
}

/// <summary>The go-away codes (spec "Session termination").</summary>
internal enum YamuxGoAwayCode : uint
{
    Normal = 0,
    ProtocolError = 1,
    InternalError = 2,
}

/// <summary>
/// The 12-byte yamux frame header. All fields are big-endian:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Version (8)  |   Type (8)    |           Flags (16)          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Stream ID (32)                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           Length (32)                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Version is always 0. Stream id 0 is the session (ping, go-away); the dialer uses odd ids, the listener even.
/// Length is the payload size (Data), a window delta (WindowUpdate), an opaque value (Ping) or an error code (GoAway).
/// </summary>
internal readonly record struct YamuxHeader(YamuxFrameType Type, YamuxFlags Flags, uint StreamId, uint Length)
{
    /// <summary>Header size in bytes.</summary>
    public const int Size = 12;

    /// <summary>The only protocol version.</summary>
    public const byte Version = 0;

    /// <summary>True when every bit of <paramref name="flag"/> is set.</summary>
    public bool Has(YamuxFlags flag) => (Flags & flag) == flag;

    /// <summary>
    /// Parses a header from the first 12 bytes. Returns false when fewer than 12 bytes are present;
    /// throws <see cref="YamuxException"/> for a version other than 0 or an unknown frame type.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out YamuxHeader header)
    {
        if (source.Length < Size)
        {
            header = default;
            return false;
        }

        if (source[0] != Version)
        {
            throw new YamuxException(YamuxError.InvalidVersion, $"Unsupported yamux version {source[0]}.");
        }

        var type = source[1];
        if (type > (byte)YamuxFrameType.GoAway)
        {
            throw new YamuxException(YamuxError.ProtocolError, $"Unknown yamux frame type {type}.");
        }

        header = new YamuxHeader(
            (YamuxFrameType)type,
            (YamuxFlags)BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]));
        return true;
    }

    /// <summary>As <see cref="TryRead(ReadOnlySpan{byte}, out YamuxHeader)"/>, over a possibly segmented buffer.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> source, out YamuxHeader header)
    {
        var first = source.FirstSpan;
        if (first.Length >= Size)
        {
            return TryRead(first, out header);
        }

        if (source.Length < Size)
        {
            header = default;
            return false;
        }

        Span<byte> copy = stackalloc byte[Size];
        source.Slice(0, Size).CopyTo(copy);
        return TryRead(copy, out header);
    }

    /// <summary>Writes the 12 header bytes to the start of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StreamId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Flags);
        destination[1] = (byte)Type;
        destination[0] = Version;
    }

    /// <summary>Writes the header straight into <paramref name="writer"/>'s buffer.</summary>
    public void Write(IBufferWriter<byte> writer)
    {
        Write(writer.GetSpan(Size));
        writer.Advance(Size);
    }
}
