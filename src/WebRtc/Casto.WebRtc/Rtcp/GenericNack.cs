// Spec: https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (Generic NACK, RTPFB FMT 1)
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>
/// One NACK FCI entry: packet id <see cref="Pid"/> lost, plus bit i of <see cref="Blp"/> set ⇒ PID+i+1 lost.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            PID                |             BLP               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal readonly record struct NackPair(ushort Pid, ushort Blp)
{
    /// <summary>Encoded size.</summary>
    public const int Size = 4;

    /// <summary>Number of sequence numbers this entry reports lost (1–17).</summary>
    public int LostCount => 1 + System.Numerics.BitOperations.PopCount(Blp);

    /// <summary>Writes the lost sequence numbers in order; returns how many (stops when <paramref name="destination"/> is full).</summary>
    public int CopyLost(Span<ushort> destination)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        int count = 0;
        destination[count++] = Pid;
        for (int bit = 0; bit < 16 && count < destination.Length; bit++)
        {
            if ((Blp & (1 << bit)) != 0)
            {
                destination[count++] = (ushort)(Pid + bit + 1);
            }
        }

        return count;
    }

    /// <summary>
    /// Packs lost sequence numbers, given in RTP order (wrap allowed), into as few entries as possible.
    /// Returns the entries written; stops when <paramref name="destination"/> is full.
    /// </summary>
    public static int Pack(ReadOnlySpan<ushort> lost, Span<NackPair> destination)
    {
        int count = 0;
        int i = 0;
        while (i < lost.Length && count < destination.Length)
        {
            ushort pid = lost[i++];
            ushort blp = 0;
            while (i < lost.Length)
            {
                int distance = (ushort)(lost[i] - pid);
                if (distance is < 1 or > 16)
                {
                    break;
                }

                blp |= (ushort)(1 << (distance - 1));
                i++;
            }

            destination[count++] = new NackPair(pid, blp);
        }

        return count;
    }
}

/// <summary>
/// Generic NACK (PT=RTPFB 205, FMT=1): the feedback header followed by one or more <see cref="NackPair"/>s.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P| FMT=1   |   PT=205      |          length               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of packet sender                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of media source                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            PID                |             BLP               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// :                            ...                                :
/// </code>
/// </summary>
internal readonly ref struct GenericNack
{
    /// <summary>The FMT value.</summary>
    public const byte Format = 1;

    private readonly ReadOnlySpan<byte> _raw;
    private readonly ReadOnlySpan<NackPair> _pairs;

    /// <summary>A NACK to write.</summary>
    public GenericNack(uint senderSsrc, uint mediaSsrc, ReadOnlySpan<NackPair> pairs)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        _pairs = pairs;
    }

    private GenericNack(uint senderSsrc, uint mediaSsrc, ReadOnlySpan<byte> raw)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        _raw = raw;
        IsRaw = true;
    }

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc { get; }

    /// <summary>SSRC of the media source whose packets are missing.</summary>
    public uint MediaSsrc { get; }

    private bool IsRaw { get; }

    /// <summary>Number of FCI entries.</summary>
    public int Count => IsRaw ? _raw.Length / NackPair.Size : _pairs.Length;

    /// <summary>The entry at <paramref name="index"/>.</summary>
    public NackPair this[int index] => IsRaw
        ? new NackPair(BinaryPrimitives.ReadUInt16BigEndian(_raw[(index * 4)..]), BinaryPrimitives.ReadUInt16BigEndian(_raw[((index * 4) + 2)..]))
        : _pairs[index];

    /// <summary>Expands all entries into lost sequence numbers; returns how many were written.</summary>
    public int CopyLost(Span<ushort> destination)
    {
        int written = 0;
        for (int i = 0; i < Count && written < destination.Length; i++)
        {
            written += this[i].CopyLost(destination[written..]);
        }

        return written;
    }

    /// <summary>Parses one RTPFB FMT 1 packet; false for another type/format or no FCI entry.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out GenericNack nack)
    {
        nack = default;
        if (!RtcpFeedback.TryRead(packet, RtcpPacketType.TransportFeedback, Format, out uint sender, out uint media, out ReadOnlySpan<byte> fci)
            || fci.Length < NackPair.Size)
        {
            return false;
        }

        nack = new GenericNack(sender, media, fci[..(fci.Length & ~3)]);
        return true;
    }

    /// <summary>Encoded size.</summary>
    public int GetSize() => RtcpFeedback.HeaderSize + (Count * NackPair.Size);

    /// <summary>Writes the packet; throws <see cref="RtcpException"/> for no entries or a short buffer.</summary>
    public int Write(Span<byte> destination)
    {
        if (Count == 0)
        {
            throw new RtcpException(RtcpError.InvalidField, "A generic NACK needs at least one entry.");
        }

        int size = GetSize();
        RtcpFeedback.WriteHeader(destination, RtcpPacketType.TransportFeedback, Format, size, SenderSsrc, MediaSsrc);
        for (int i = 0; i < Count; i++)
        {
            NackPair pair = this[i];
            BinaryPrimitives.WriteUInt16BigEndian(destination[(12 + (i * 4))..], pair.Pid);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(14 + (i * 4))..], pair.Blp);
        }

        return size;
    }
}
