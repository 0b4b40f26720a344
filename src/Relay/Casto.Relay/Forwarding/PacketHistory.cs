// Spec: https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (generic NACK), https://www.rfc-editor.org/rfc/rfc3550#appendix-A.1 (sequence numbers)
using System.Buffers;
using System.Buffers.Binary;

namespace Casto.Relay.Forwarding;

/// <summary>
/// The last N plaintext RTP packets of one forwarded track, shared by every child: NACKs are answered from here
/// (re-protected with each child's keys) and late joiners replay their first group of pictures from here. A ring
/// indexed by upstream <c>sequence number mod N</c> over one pooled block; storing copies, nothing allocates.
/// Not thread-safe: the owning track serialises access.
/// </summary>
internal sealed class PacketHistory : IDisposable
{
    private readonly int _mask;
    private readonly int _slotSize;
    private readonly int[] _lengths;
    private readonly ushort[] _sequenceNumbers;
    private byte[]? _block;

    /// <summary>A history of <paramref name="capacity"/> packets (a power of two) of up to <paramref name="maxPacketSize"/> bytes.</summary>
    public PacketHistory(int capacity, int maxPacketSize)
    {
        _mask = capacity - 1;
        _slotSize = maxPacketSize;
        _lengths = new int[capacity];
        _sequenceNumbers = new ushort[capacity];
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

    /// <summary>Copies <paramref name="packet"/> into its sequence number's slot; false when it does not fit a slot.</summary>
    public bool Store(ReadOnlySpan<byte> packet)
    {
        byte[] block = _block ?? throw new ObjectDisposedException(nameof(PacketHistory));
        if (packet.Length < 12 || packet.Length > _slotSize)
        {
            return false;
        }

        ushort sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        int slot = sequenceNumber & _mask;
        packet.CopyTo(block.AsSpan(slot * _slotSize));
        _lengths[slot] = packet.Length;
        _sequenceNumbers[slot] = sequenceNumber;
        return true;
    }

    /// <summary>The stored packet with <paramref name="sequenceNumber"/> (valid until the next store), if still in the ring.</summary>
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

    /// <summary>Forgets every packet (a new upstream source numbers its packets afresh).</summary>
    public void Clear() => Array.Clear(_lengths);

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
