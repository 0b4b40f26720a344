using System.Buffers.Binary;

namespace Casto.WebRtc.Rtp;

/// <summary>
/// A view of an RTP fixed header plus CSRC list and header extension (RFC 3550 §5.1, §5.3.1):
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           timestamp                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           synchronization source (SSRC) identifier            |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |            contributing source (CSRC) identifiers             |
/// |                             ....                              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      defined by profile       |           length              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                        header extension                       |
/// |                             ....                              |
/// </code>
/// The CSRC list and extension data are slices of the parsed packet (no copies). For writing, fill the
/// properties and call <see cref="Write"/>; <see cref="Csrcs"/> then holds 4 big-endian bytes per CSRC.
/// </summary>
public readonly ref struct RtpHeader
{
    /// <summary>Size of the fixed header.</summary>
    public const int FixedSize = 12;

    /// <summary>The only RTP version.</summary>
    public const int Version = 2;

    /// <summary>At most 15 CSRCs fit the 4-bit CC field.</summary>
    public const int MaxCsrcCount = 15;

    /// <summary>M bit; for video, the last packet of a frame.</summary>
    public bool Marker { get; init; }

    /// <summary>7-bit payload type.</summary>
    public byte PayloadType { get; init; }

    /// <summary>Sequence number, +1 per packet, wraps at 2^16.</summary>
    public ushort SequenceNumber { get; init; }

    /// <summary>Media timestamp in clock-rate units.</summary>
    public uint Timestamp { get; init; }

    /// <summary>Synchronization source.</summary>
    public uint Ssrc { get; init; }

    /// <summary>CSRC list as raw big-endian words (length = 4 × count).</summary>
    public ReadOnlySpan<byte> Csrcs { get; init; }

    /// <summary>X bit: a header extension follows the CSRC list.</summary>
    public bool HasExtension { get; init; }

    /// <summary>The 16-bit "defined by profile" field (0xBEDE: RFC 8285 one-byte form; 0x100x: two-byte).</summary>
    public ushort ExtensionProfile { get; init; }

    /// <summary>Extension data after the profile/length word; a multiple of 4 bytes.</summary>
    public ReadOnlySpan<byte> ExtensionData { get; init; }

    /// <summary>Padding bytes at the end of the packet including the count byte; 0 means the P bit is clear.</summary>
    public byte PaddingLength { get; init; }

    /// <summary>Number of CSRCs.</summary>
    public int CsrcCount => Csrcs.Length / 4;

    /// <summary>The CSRC at <paramref name="index"/>.</summary>
    public uint GetCsrc(int index) => BinaryPrimitives.ReadUInt32BigEndian(Csrcs.Slice(index * 4, 4));

    /// <summary>Looks up the RFC 8285 extension element <paramref name="id"/>.</summary>
    public bool TryGetExtension(int id, out ReadOnlySpan<byte> value)
    {
        if (!HasExtension)
        {
            value = default;
            return false;
        }

        return RtpHeaderExtensions.TryFind(ExtensionProfile, ExtensionData, id, out value);
    }

    /// <summary>Encoded header size (fixed header, CSRCs, extension); padding is not included.</summary>
    public int GetSize() => FixedSize + Csrcs.Length + (HasExtension ? 4 + ExtensionData.Length : 0);

    /// <summary>Writes the header; returns the bytes written. Throws <see cref="RtpException"/> for invalid fields or a short buffer.</summary>
    public int Write(Span<byte> destination)
    {
        if (PayloadType > 127 || Csrcs.Length % 4 != 0 || Csrcs.Length > MaxCsrcCount * 4
            || ExtensionData.Length % 4 != 0 || ExtensionData.Length > ushort.MaxValue * 4
            || (!HasExtension && !ExtensionData.IsEmpty))
        {
            throw new RtpException(RtpError.InvalidField, "RTP header field out of range.");
        }

        int size = GetSize();
        if (destination.Length < size)
        {
            throw new RtpException(RtpError.BufferTooSmall, $"RTP header needs {size} bytes, got {destination.Length}.");
        }

        destination[0] = (byte)((Version << 6) | (PaddingLength > 0 ? 0x20 : 0) | (HasExtension ? 0x10 : 0) | CsrcCount);
        destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        Csrcs.CopyTo(destination[FixedSize..]);
        int offset = FixedSize + Csrcs.Length;
        if (HasExtension)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], ExtensionProfile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)(ExtensionData.Length / 4));
            ExtensionData.CopyTo(destination[(offset + 4)..]);
            offset += 4 + ExtensionData.Length;
        }

        return offset;
    }
}
