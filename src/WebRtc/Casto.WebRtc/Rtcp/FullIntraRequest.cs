// Spec: https://www.rfc-editor.org/rfc/rfc5104#section-4.3.1 (FIR, PSFB FMT 4)
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>
/// One FIR FCI entry: the media sender asked for a decoder refresh, and a command sequence number
/// (+1 per new request, repeated on retransmission).
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                              SSRC                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Seq nr.       |    Reserved                                   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal readonly record struct FirEntry(uint Ssrc, byte SequenceNumber)
{
    /// <summary>Encoded size.</summary>
    public const int Size = 8;
}

/// <summary>Full intra request (PT=PSFB 206, FMT=4): the feedback header (media SSRC 0) and one entry per target.</summary>
internal readonly ref struct FullIntraRequest
{
    /// <summary>The FMT value.</summary>
    public const byte Format = 4;

    private readonly ReadOnlySpan<byte> _raw;
    private readonly ReadOnlySpan<FirEntry> _entries;
    private readonly bool _isRaw;

    /// <summary>A FIR to write.</summary>
    public FullIntraRequest(uint senderSsrc, ReadOnlySpan<FirEntry> entries)
    {
        SenderSsrc = senderSsrc;
        _entries = entries;
    }

    private FullIntraRequest(uint senderSsrc, uint mediaSsrc, ReadOnlySpan<byte> raw)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        _raw = raw;
        _isRaw = true;
    }

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc { get; }

    /// <summary>Media source SSRC field (RFC 5104 says 0; kept as read).</summary>
    public uint MediaSsrc { get; }

    /// <summary>Number of entries.</summary>
    public int Count => _isRaw ? _raw.Length / FirEntry.Size : _entries.Length;

    /// <summary>The entry at <paramref name="index"/>.</summary>
    public FirEntry this[int index] => _isRaw
        ? new FirEntry(BinaryPrimitives.ReadUInt32BigEndian(_raw[(index * 8)..]), _raw[(index * 8) + 4])
        : _entries[index];

    /// <summary>Parses one PSFB FMT 4 packet; false without a whole entry.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out FullIntraRequest fir)
    {
        fir = default;
        if (!RtcpFeedback.TryRead(packet, RtcpPacketType.PayloadFeedback, Format, out uint sender, out uint media, out ReadOnlySpan<byte> fci)
            || fci.Length < FirEntry.Size)
        {
            return false;
        }

        fir = new FullIntraRequest(sender, media, fci[..(fci.Length / FirEntry.Size * FirEntry.Size)]);
        return true;
    }

    /// <summary>Encoded size.</summary>
    public int GetSize() => RtcpFeedback.HeaderSize + (Count * FirEntry.Size);

    /// <summary>Writes the packet; throws <see cref="RtcpException"/> for no entries or a short buffer.</summary>
    public int Write(Span<byte> destination)
    {
        if (Count == 0)
        {
            throw new RtcpException(RtcpError.InvalidField, "A FIR needs at least one entry.");
        }

        int size = GetSize();
        RtcpFeedback.WriteHeader(destination, RtcpPacketType.PayloadFeedback, Format, size, SenderSsrc, 0);
        for (int i = 0; i < Count; i++)
        {
            FirEntry entry = this[i];
            Span<byte> slot = destination.Slice(12 + (i * FirEntry.Size), FirEntry.Size);
            BinaryPrimitives.WriteUInt32BigEndian(slot, entry.Ssrc);
            slot[4] = entry.SequenceNumber;
            slot[5..].Clear();
        }

        return size;
    }
}
