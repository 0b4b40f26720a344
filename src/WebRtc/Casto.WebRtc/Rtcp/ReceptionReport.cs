using System.Buffers.Binary;

namespace Casto.WebRtc.Rtcp;

/// <summary>
/// A report block (RFC 3550 §6.4.1), 24 bytes, carried by SR and RR:
/// <code>
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                 SSRC_1 (SSRC of first source)                 |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | fraction lost |       cumulative number of packets lost       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           extended highest sequence number received           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      interarrival jitter                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         last SR (LSR)                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                   delay since last SR (DLSR)                  |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// </code>
/// <see cref="CumulativeLost"/> is a signed 24-bit value (duplicates can make it negative).
/// </summary>
internal readonly record struct ReceptionReport(
    uint Ssrc, byte FractionLost, int CumulativeLost, uint ExtendedHighestSequence, uint Jitter, uint LastSenderReport, uint DelaySinceLastSenderReport)
{
    /// <summary>Encoded size.</summary>
    public const int Size = 24;

    /// <summary>Reads one block from at least 24 bytes.</summary>
    public static ReceptionReport Read(ReadOnlySpan<byte> source)
    {
        uint lost = BinaryPrimitives.ReadUInt32BigEndian(source[4..]);
        int cumulative = (int)(lost << 8) >> 8;
        return new ReceptionReport(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            (byte)(lost >> 24),
            cumulative,
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[20..]));
    }

    /// <summary>Writes the block; <see cref="CumulativeLost"/> is clamped to the 24-bit signed range.</summary>
    public int Write(Span<byte> destination)
    {
        RtcpException.ThrowIfTooSmall(destination, Size);
        int lost = Math.Clamp(CumulativeLost, -0x800000, 0x7FFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ((uint)FractionLost << 24) | ((uint)lost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
        return Size;
    }
}

/// <summary>Report blocks of an SR/RR: either raw wire bytes (read) or structs (write).</summary>
internal readonly ref struct ReportBlocks
{
    private readonly ReadOnlySpan<byte> _raw;
    private readonly ReadOnlySpan<ReceptionReport> _reports;
    private readonly bool _isRaw;

    private ReportBlocks(ReadOnlySpan<byte> raw, ReadOnlySpan<ReceptionReport> reports, bool isRaw)
    {
        _raw = raw;
        _reports = reports;
        _isRaw = isRaw;
    }

    /// <summary>Number of blocks.</summary>
    public int Count => _isRaw ? _raw.Length / ReceptionReport.Size : _reports.Length;

    /// <summary>The block at <paramref name="index"/>.</summary>
    public ReceptionReport this[int index] => _isRaw ? ReceptionReport.Read(_raw.Slice(index * ReceptionReport.Size, ReceptionReport.Size)) : _reports[index];

    /// <summary>Encoded size of all blocks.</summary>
    public int Size => Count * ReceptionReport.Size;

    /// <summary>Blocks parsed from the wire (a multiple of 24 bytes).</summary>
    public static ReportBlocks FromWire(ReadOnlySpan<byte> raw) => new(raw, default, true);

    /// <summary>Blocks to write.</summary>
    public static ReportBlocks FromReports(ReadOnlySpan<ReceptionReport> reports) => new(default, reports, false);

    /// <summary>Implicit conversion for writing.</summary>
    public static implicit operator ReportBlocks(ReadOnlySpan<ReceptionReport> reports) => FromReports(reports);

    /// <summary>Implicit conversion for writing.</summary>
    public static implicit operator ReportBlocks(ReceptionReport[] reports) => FromReports(reports);

    /// <summary>Writes all blocks.</summary>
    public int Write(Span<byte> destination)
    {
        if (_isRaw)
        {
            _raw.CopyTo(destination);
            return _raw.Length;
        }

        int offset = 0;
        foreach (ReceptionReport report in _reports)
        {
            offset += report.Write(destination[offset..]);
        }

        return offset;
    }
}
