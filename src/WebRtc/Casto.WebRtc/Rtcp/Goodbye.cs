// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-6.6
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>
/// Goodbye (PT=203):
/// <code>
///        0                   1                   2                   3
///        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |V=2|P|    SC   |   PT=BYE=203  |             length            |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |                           SSRC/CSRC                           |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       :                              ...                              :
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// (opt) |     length    |               reason for leaving            ...
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal readonly ref struct Goodbye
{
    /// <summary>The leaving sources as raw big-endian words (4 × SC bytes, SC ≤ 31).</summary>
    public ReadOnlySpan<byte> Sources { get; init; }

    /// <summary>Optional reason text (≤ 255 bytes, UTF-8).</summary>
    public ReadOnlySpan<byte> Reason { get; init; }

    /// <summary>Number of sources.</summary>
    public int SourceCount => Sources.Length / 4;

    /// <summary>The source at <paramref name="index"/>.</summary>
    public uint GetSource(int index) => BinaryPrimitives.ReadUInt32BigEndian(Sources.Slice(index * 4, 4));

    /// <summary>Parses one BYE packet; false for another type, a count or reason past the end.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out Goodbye bye)
    {
        bye = default;
        if (!RtcpHeader.TryReadPacket(packet, out RtcpHeader header, out ReadOnlySpan<byte> body, out _)
            || header.Type != RtcpPacketType.Goodbye
            || body.Length < header.Count * 4)
        {
            return false;
        }

        int offset = header.Count * 4;
        ReadOnlySpan<byte> reason = default;
        if (offset < body.Length && body[offset] != 0)
        {
            int length = body[offset];
            if (offset + 1 + length > body.Length)
            {
                return false;
            }

            reason = body.Slice(offset + 1, length);
        }

        bye = new Goodbye { Sources = body[..offset], Reason = reason };
        return true;
    }

    /// <summary>Encoded size (reason padded to 32 bits).</summary>
    public int GetSize() => RtcpHeader.Size + Sources.Length + (Reason.IsEmpty ? 0 : (1 + Reason.Length + 3) & ~3);

    /// <summary>Writes the packet; throws <see cref="RtcpException"/> for more than 31 sources, a reason over 255 bytes or a short buffer.</summary>
    public int Write(Span<byte> destination)
    {
        if (Sources.Length % 4 != 0 || Reason.Length > 255)
        {
            throw new RtcpException(RtcpError.InvalidField, "BYE sources must be whole words and the reason at most 255 bytes.");
        }

        int size = GetSize();
        RtcpHeader.Write(destination, SourceCount, RtcpPacketType.Goodbye, size);
        Sources.CopyTo(destination[4..]);
        int offset = 4 + Sources.Length;
        if (!Reason.IsEmpty)
        {
            destination[offset] = (byte)Reason.Length;
            Reason.CopyTo(destination[(offset + 1)..]);
            destination[(offset + 1 + Reason.Length)..size].Clear();
        }

        return size;
    }
}
