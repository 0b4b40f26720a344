using System.Buffers;
using System.Buffers.Binary;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Nack;

/// <summary>
/// The last N RTP packets of one stream, for retransmission on NACK (a connection's own send history, or a relay's
/// history shared by all children of a track). A ring indexed by <c>sequence number mod N</c> (N a power of two, so
/// the mapping survives the 16-bit wrap) over one pooled block of N × max-packet-size bytes: storing copies into the
/// slot and never allocates. Not thread-safe.
/// </summary>
public sealed class RtpSendHistory : IDisposable
{
    private readonly int _mask;
    private readonly int _slotSize;
    private readonly int[] _lengths;
    private readonly ushort[] _sequenceNumbers;
    private readonly long[] _lastResend;
    private byte[]? _block;

    /// <summary>Creates a history of <paramref name="capacity"/> packets (power of two, 1–32768) of up to <paramref name="maxPacketSize"/> bytes.</summary>
    public RtpSendHistory(int capacity = 1024, int maxPacketSize = 1500)
    {
        if (capacity is < 1 or > 32768 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be a power of two between 1 and 32768.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketSize, RtpHeader.FixedSize);
        _mask = capacity - 1;
        _slotSize = maxPacketSize;
        _lengths = new int[capacity];
        _sequenceNumbers = new ushort[capacity];
        _lastResend = new long[capacity];
        _block = ArrayPool<byte>.Shared.Rent(capacity * maxPacketSize);
    }

    /// <summary>Number of slots.</summary>
    public int Capacity => _mask + 1;

    /// <summary>True when the packet with <paramref name="sequenceNumber"/> is in the ring.</summary>
    public bool Contains(ushort sequenceNumber)
    {
        int slot = sequenceNumber & _mask;
        return _lengths[slot] != 0 && _sequenceNumbers[slot] == sequenceNumber;
    }

    /// <summary>Forgets every packet (a new source numbers its packets afresh).</summary>
    public void Clear() => Array.Clear(_lengths);

    /// <summary>
    /// Copies <paramref name="packet"/> into the slot of its sequence number, replacing what was there.
    /// False (nothing stored) when it is shorter than an RTP header or larger than the slot.
    /// </summary>
    public bool Store(ReadOnlySpan<byte> packet)
    {
        byte[] block = _block ?? throw new ObjectDisposedException(nameof(RtpSendHistory));
        if (packet.Length < RtpHeader.FixedSize || packet.Length > _slotSize)
        {
            return false;
        }

        ushort sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        int slot = sequenceNumber & _mask;
        packet.CopyTo(block.AsSpan(slot * _slotSize, _slotSize));
        _lengths[slot] = packet.Length;
        _sequenceNumbers[slot] = sequenceNumber;
        _lastResend[slot] = long.MinValue;
        return true;
    }

    /// <summary>The stored packet with <paramref name="sequenceNumber"/>, if it is still in the ring.</summary>
    public bool TryGet(ushort sequenceNumber, out ReadOnlySpan<byte> packet)
    {
        int slot = sequenceNumber & _mask;
        if (_block is null || _lengths[slot] == 0 || _sequenceNumbers[slot] != sequenceNumber)
        {
            packet = default;
            return false;
        }

        packet = _block.AsSpan(slot * _slotSize, _lengths[slot]);
        return true;
    }

    /// <summary>
    /// For the responder: true (and records <paramref name="now"/>) when the packet is stored and was not resent
    /// within <paramref name="minInterval"/> timestamp units.
    /// </summary>
    internal bool TryTakeForResend(ushort sequenceNumber, long now, long minInterval, out ReadOnlySpan<byte> packet)
    {
        if (!TryGet(sequenceNumber, out packet))
        {
            return false;
        }

        int slot = sequenceNumber & _mask;
        if (_lastResend[slot] != long.MinValue && now - _lastResend[slot] < minInterval)
        {
            packet = default;
            return false;
        }

        _lastResend[slot] = now;
        return true;
    }

    /// <summary>Returns the block to the pool.</summary>
    public void Dispose()
    {
        byte[]? block = Interlocked.Exchange(ref _block, null);
        if (block is not null)
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }
}
