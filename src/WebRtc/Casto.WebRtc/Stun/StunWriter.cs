// Spec: https://www.rfc-editor.org/rfc/rfc8489 §5, §14; https://www.rfc-editor.org/rfc/rfc8445#section-16.1
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Casto.WebRtc.Stun;

/// <summary>
/// Writes one STUN message into a caller-provided buffer, attribute by attribute, keeping the header length current.
/// No allocation. Add MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT last, in that order.
/// Throws <see cref="StunException"/> (<see cref="StunError.BufferTooSmall"/>) when the buffer runs out.
/// </summary>
internal ref partial struct StunWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    public StunWriter(Span<byte> buffer, StunClass messageClass, StunMethod method, ReadOnlySpan<byte> transactionId)
    {
        if (transactionId.Length != StunMessage.TransactionIdSize)
        {
            throw new ArgumentException("The transaction id is 12 bytes.", nameof(transactionId));
        }

        if (buffer.Length < StunMessage.HeaderSize)
        {
            throw new StunException(StunError.BufferTooSmall, "No room for the STUN header.");
        }

        _buffer = buffer;
        var m = (int)method;
        var c = (int)messageClass;
        var type = (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7);
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)type);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessage.MagicCookie);
        transactionId.CopyTo(buffer[8..]);
        _length = StunMessage.HeaderSize;
        SetLength(_length);
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The message written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>Appends an attribute with zero padding to 4 bytes.</summary>
    public void Add(StunAttributeType type, ReadOnlySpan<byte> value) => value.CopyTo(Reserve(type, value.Length, out _).Span);

    public void AddString(StunAttributeType type, string value)
    {
        var size = Encoding.UTF8.GetByteCount(value);
        var dest = Reserve(type, size, out _);
        Encoding.UTF8.GetBytes(value, dest.Span);
    }

    public void AddUsername(string username) => AddString(StunAttributeType.Username, username);

    public void AddSoftware(string software) => AddString(StunAttributeType.Software, software);

    public void AddXorMappedAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.XorMappedAddress, endPoint, xor: true);

    public void AddMappedAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.MappedAddress, endPoint, xor: false);

    public void AddPriority(uint priority) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(StunAttributeType.Priority, 4, out _).Span, priority);

    public void AddUseCandidate() => Reserve(StunAttributeType.UseCandidate, 0, out _);

    public void AddIceControlling(ulong tieBreaker) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(StunAttributeType.IceControlling, 8, out _).Span, tieBreaker);

    public void AddIceControlled(ulong tieBreaker) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(StunAttributeType.IceControlled, 8, out _).Span, tieBreaker);

    /// <summary>ERROR-CODE with a code in 300–699 and a reason phrase.</summary>
    public void AddErrorCode(int code, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 699);
        var dest = Reserve(StunAttributeType.ErrorCode, 4 + Encoding.UTF8.GetByteCount(reason), out _).Span;
        dest[..2].Clear();
        dest[2] = (byte)(code / 100);
        dest[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, dest[4..]);
    }

    public void AddUnknownAttributes(ReadOnlySpan<ushort> types)
    {
        var dest = Reserve(StunAttributeType.UnknownAttributes, 2 * types.Length, out _).Span;
        for (var i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(dest[(2 * i)..], types[i]);
        }
    }

    /// <summary>MESSAGE-INTEGRITY: HMAC-SHA1 over the message so far, with the length counting this attribute.</summary>
    public void AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        var offset = _length;
        var dest = Reserve(StunAttributeType.MessageIntegrity, 20, out _).Span;
#pragma warning disable CA5350 // HMAC-SHA1 is what RFC 8489 §14.5 mandates for MESSAGE-INTEGRITY.
        HMACSHA1.HashData(key, _buffer[..offset], dest);
#pragma warning restore CA5350
    }

    /// <summary>MESSAGE-INTEGRITY-SHA256 (full 32 bytes).</summary>
    public void AddMessageIntegritySha256(ReadOnlySpan<byte> key)
    {
        var offset = _length;
        var dest = Reserve(StunAttributeType.MessageIntegritySha256, 32, out _).Span;
        HMACSHA256.HashData(key, _buffer[..offset], dest);
    }

    /// <summary>FINGERPRINT: CRC-32 of the message so far (length counting it) XOR 0x5354554E. Must be last.</summary>
    public void AddFingerprint()
    {
        var offset = _length;
        var dest = Reserve(StunAttributeType.Fingerprint, 4, out _).Span;
        BinaryPrimitives.WriteUInt32BigEndian(dest, Crc32.Compute(_buffer[..offset]) ^ StunMessage.FingerprintXor);
    }

    private void AddAddress(StunAttributeType type, IPEndPoint endPoint, bool xor)
    {
        var dest = Reserve(type, StunAddress.GetSize(endPoint.Address), out _).Span;
        StunAddress.Write(dest, endPoint, _buffer.Slice(8, StunMessage.TransactionIdSize), xor);
    }

    /// <summary>Writes the attribute header and padding, updates the message length, returns the value slot.</summary>
    private ValueSlot Reserve(StunAttributeType type, int valueLength, out int offset)
    {
        offset = _length;
        var total = 4 + StunMessage.Pad(valueLength);
        if (valueLength > ushort.MaxValue || _buffer.Length - _length < total || _length + total > StunMessage.MaxSize)
        {
            throw new StunException(StunError.BufferTooSmall, $"No room for STUN attribute 0x{(ushort)type:x4} ({valueLength} bytes).");
        }

        var at = _buffer.Slice(_length, total);
        BinaryPrimitives.WriteUInt16BigEndian(at, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(at[2..], (ushort)valueLength);
        at[(4 + valueLength)..].Clear();
        _length += total;
        SetLength(_length);
        return new ValueSlot(at.Slice(4, valueLength));
    }

    private readonly void SetLength(int length) =>
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(length - StunMessage.HeaderSize));

    private readonly ref struct ValueSlot
    {
        public ValueSlot(Span<byte> span) => Span = span;

        public Span<byte> Span { get; }
    }
}
