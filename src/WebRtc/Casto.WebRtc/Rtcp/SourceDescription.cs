// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.5
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>SDES item types (RFC 3550 §6.5).</summary>
internal enum SdesItemType : byte
{
    /// <summary>End of a chunk's item list.</summary>
    End = 0,
    /// <summary>Canonical end-point identifier.</summary>
    Cname = 1,
    /// <summary>User name.</summary>
    Name = 2,
    /// <summary>E-mail.</summary>
    Email = 3,
    /// <summary>Phone.</summary>
    Phone = 4,
    /// <summary>Location.</summary>
    Location = 5,
    /// <summary>Tool.</summary>
    Tool = 6,
    /// <summary>Note.</summary>
    Note = 7,
    /// <summary>Private extension.</summary>
    Private = 8,
}

/// <summary>
/// Source description (PT=202): SC chunks, each an SSRC followed by items and a null terminator padded to 32 bits.
/// <code>
///        0                   1                   2                   3
///        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// header |V=2|P|    SC   |  PT=SDES=202  |             length            |
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// chunk  |                          SSRC/CSRC_1                          |
///   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |    CNAME=1    |     length    | user and domain name        ...
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Reading iterates chunks with <see cref="TryReadNextChunk"/> and items with <see cref="SdesItemReader"/>.
/// Writing emits one chunk with a CNAME item, which is what WebRTC endpoints send.
/// </summary>
internal ref struct SourceDescription
{
    private ReadOnlySpan<byte> _remaining;
    private int _chunksLeft;

    /// <summary>Number of chunks (SC).</summary>
    public int ChunkCount { get; private set; }

    /// <summary>True when a chunk ran past the packet.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Starts reading one SDES packet; false for another type or short input.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out SourceDescription sdes)
    {
        sdes = default;
        if (!RtcpHeader.TryReadPacket(packet, out RtcpHeader header, out ReadOnlySpan<byte> body, out _)
            || header.Type != RtcpPacketType.SourceDescription
            || body.Length < header.Count * 8)
        {
            return false;
        }

        sdes._remaining = body;
        sdes._chunksLeft = header.Count;
        sdes.ChunkCount = header.Count;
        return true;
    }

    /// <summary>Next chunk: SSRC and its item bytes. False after the last chunk or at malformed bytes.</summary>
    public bool TryReadNextChunk(out uint ssrc, out SdesItemReader items)
    {
        ssrc = 0;
        items = default;
        if (_chunksLeft == 0 || _remaining.Length < 8)
        {
            IsMalformed |= _chunksLeft != 0;
            return false;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(_remaining);
        int offset = 4;
        while (offset < _remaining.Length && _remaining[offset] != 0)
        {
            if (offset + 2 > _remaining.Length)
            {
                offset = _remaining.Length;
                break;
            }

            offset += 2 + _remaining[offset + 1];
        }

        if (offset >= _remaining.Length)
        {
            IsMalformed = true;
            _chunksLeft = 0;
            return false;
        }

        items = new SdesItemReader(_remaining[4..offset]);
        int chunkEnd = (offset + 4) & ~3; // the null item, padded to the next 32-bit boundary
        _remaining = _remaining[Math.Min(chunkEnd, _remaining.Length)..];
        _chunksLeft--;
        return true;
    }

    /// <summary>The first CNAME of the first chunk carrying one.</summary>
    public static bool TryGetCname(ReadOnlySpan<byte> packet, out uint ssrc, out ReadOnlySpan<byte> cname)
    {
        cname = default;
        ssrc = 0;
        if (!TryRead(packet, out SourceDescription sdes))
        {
            return false;
        }

        while (sdes.TryReadNextChunk(out ssrc, out SdesItemReader items))
        {
            while (items.TryReadNext(out SdesItemType type, out ReadOnlySpan<byte> text))
            {
                if (type == SdesItemType.Cname)
                {
                    cname = text;
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Size of a one-chunk CNAME packet.</summary>
    public static int GetCnameSize(int cnameLength) => RtcpHeader.Size + ((4 + 2 + cnameLength + 4) & ~3);

    /// <summary>Writes an SDES with one chunk: <paramref name="ssrc"/>, CNAME <paramref name="cname"/> (≤ 255 bytes), END.</summary>
    public static int WriteCname(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname)
    {
        if (cname.Length > 255)
        {
            throw new RtcpException(RtcpError.InvalidField, "CNAME longer than 255 bytes.");
        }

        int size = GetCnameSize(cname.Length);
        RtcpHeader.Write(destination, 1, RtcpPacketType.SourceDescription, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = (byte)SdesItemType.Cname;
        destination[9] = (byte)cname.Length;
        cname.CopyTo(destination[10..]);
        destination[(10 + cname.Length)..size].Clear();
        return size;
    }
}

/// <summary>Iterates the items of one SDES chunk (the terminating null item is already cut off).</summary>
internal ref struct SdesItemReader
{
    private ReadOnlySpan<byte> _items;

    /// <summary>Reads <paramref name="items"/>.</summary>
    public SdesItemReader(ReadOnlySpan<byte> items) => _items = items;

    /// <summary>Next item; false at the end or when an item overruns the chunk.</summary>
    public bool TryReadNext(out SdesItemType type, out ReadOnlySpan<byte> text)
    {
        if (_items.Length < 2 || 2 + _items[1] > _items.Length)
        {
            _items = default;
            type = SdesItemType.End;
            text = default;
            return false;
        }

        type = (SdesItemType)_items[0];
        text = _items.Slice(2, _items[1]);
        _items = _items[(2 + text.Length)..];
        return true;
    }
}
