// Spec: https://www.rfc-editor.org/rfc/rfc8489 §5 (header), §14 (attributes); ICE attributes https://www.rfc-editor.org/rfc/rfc8445#section-16.1
using System.Buffers.Binary;

namespace Casto.WebRtc.Stun;

/// <summary>
/// A parsed STUN message: a zero-copy view over the received bytes. The header is
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0|     STUN Message Type     |         Message Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Magic Cookie                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     Transaction ID (96 bits)                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
///  message type:  M11 M10 M9 M8 M7 C1 M6 M5 M4 C0 M3 M2 M1 M0
/// </code>
/// followed by attributes, each
/// <code>
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Type                  |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Value (variable, padded to 4)      ....
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and everything
/// after FINGERPRINT, are ignored (RFC 8489 §14.5–14.7).
/// </summary>
internal readonly ref partial struct StunMessage
{
    /// <summary>Header size in bytes.</summary>
    public const int HeaderSize = 20;

    /// <summary>The fixed magic cookie (RFC 8489 §5).</summary>
    public const uint MagicCookie = 0x2112A442;

    /// <summary>Transaction id size in bytes (96 bits).</summary>
    public const int TransactionIdSize = 12;

    /// <summary>Largest message: the 16-bit length field plus the header.</summary>
    public const int MaxSize = HeaderSize + ushort.MaxValue;

    private readonly int _attributesEnd;
    private readonly int _integrityOffset;
    private readonly int _integritySha256Offset;
    private readonly int _fingerprintOffset;

    private StunMessage(ReadOnlySpan<byte> raw, int attributesEnd, int integrity, int integritySha256, int fingerprint)
    {
        Raw = raw;
        _attributesEnd = attributesEnd;
        _integrityOffset = integrity;
        _integritySha256Offset = integritySha256;
        _fingerprintOffset = fingerprint;
    }

    /// <summary>The message bytes (header + attributes); trailing datagram bytes are excluded.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    /// <summary>The 14-bit message type.</summary>
    public ushort Type => BinaryPrimitives.ReadUInt16BigEndian(Raw);

    public StunClass Class => (StunClass)(((Type >> 4) & 1) | ((Type >> 7) & 2));

    public StunMethod Method => (StunMethod)((Type & 0x000F) | ((Type & 0x00E0) >> 1) | ((Type & 0x3E00) >> 2));

    public ReadOnlySpan<byte> TransactionId => Raw.Slice(8, TransactionIdSize);

    public bool HasMessageIntegrity => _integrityOffset >= 0;

    public bool HasMessageIntegritySha256 => _integritySha256Offset >= 0;

    public bool HasFingerprint => _fingerprintOffset >= 0;

    /// <summary>Cheap check for the demultiplexer: first two bits zero, magic cookie, length a multiple of 4.</summary>
    public static bool IsStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderSize
        && (datagram[0] & 0xC0) == 0
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie
        && (datagram[3] & 3) == 0;

    /// <summary>
    /// Parses a datagram. Returns false when it is not STUN (too short, top bits set, no magic cookie, length not a
    /// multiple of 4); throws <see cref="StunException"/> (<see cref="StunError.Malformed"/>) when it claims to be STUN
    /// but the length or attribute framing is broken. Integrity and fingerprint are checked separately.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        if (!IsStun(datagram))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (HeaderSize + length > datagram.Length)
        {
            throw new StunException(StunError.Malformed, $"STUN length {length} exceeds the {datagram.Length - HeaderSize} bytes received.");
        }

        var raw = datagram[..(HeaderSize + length)];
        int integrity = -1, integritySha256 = -1, fingerprint = -1, end = HeaderSize;
        var offset = HeaderSize;
        while (offset < raw.Length)
        {
            if (raw.Length - offset < 4)
            {
                throw new StunException(StunError.Malformed, "Truncated STUN attribute header.");
            }

            var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(raw[offset..]);
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(raw[(offset + 2)..]);
            var next = offset + 4 + Pad(valueLength);
            if (next > raw.Length)
            {
                throw new StunException(StunError.Malformed, $"STUN attribute 0x{(ushort)type:x4} overruns the message.");
            }

            var visible = fingerprint < 0
                && (integrity < 0 || type is StunAttributeType.MessageIntegritySha256 or StunAttributeType.Fingerprint)
                && (integritySha256 < 0 || type is StunAttributeType.Fingerprint);
            if (visible)
            {
                CheckFixedSize(type, valueLength);
                switch (type)
                {
                    case StunAttributeType.MessageIntegrity:
                        integrity = offset;
                        break;
                    case StunAttributeType.MessageIntegritySha256:
                        integritySha256 = offset;
                        break;
                    case StunAttributeType.Fingerprint:
                        fingerprint = offset;
                        break;
                    default:
                        break;
                }

                end = next;
            }

            offset = next;
        }

        message = new StunMessage(raw, end, integrity, integritySha256, fingerprint);
        return true;
    }

    /// <summary>Value length rounded up to the 4-byte boundary.</summary>
    public static int Pad(int length) => (length + 3) & ~3;

    /// <summary>Finds the first visible attribute of <paramref name="type"/>.</summary>
    public bool TryGetAttribute(StunAttributeType type, out ReadOnlySpan<byte> value)
    {
        foreach (var attribute in this)
        {
            if (attribute.Type == type)
            {
                value = attribute.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Enumerates the visible attributes in order.</summary>
    public Enumerator GetEnumerator() => new(Raw[..Math.Max(_attributesEnd, HeaderSize)]);

    /// <summary>Walks the attributes of an already validated message.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _raw;
        private int _next;
        private StunAttribute _current;

        internal Enumerator(ReadOnlySpan<byte> raw)
        {
            _raw = raw;
            _next = HeaderSize;
            _current = default;
        }

        public readonly StunAttribute Current => _current;

        public bool MoveNext()
        {
            if (_next + 4 > _raw.Length)
            {
                return false;
            }

            var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(_raw[_next..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(_raw[(_next + 2)..]);
            _current = new StunAttribute(type, _raw.Slice(_next + 4, length));
            _next += 4 + Pad(length);
            return true;
        }
    }

    private static void CheckFixedSize(StunAttributeType type, int length)
    {
        var expected = type switch
        {
            StunAttributeType.MessageIntegrity => 20,
            StunAttributeType.Fingerprint or StunAttributeType.Priority or StunAttributeType.Lifetime
                or StunAttributeType.ChannelNumber or StunAttributeType.RequestedTransport => 4,
            StunAttributeType.EvenPort => 1,
            StunAttributeType.DontFragment => 0,
            StunAttributeType.ReservationToken => 8,
            StunAttributeType.IceControlled or StunAttributeType.IceControlling => 8,
            StunAttributeType.UseCandidate => 0,
            _ => -1,
        };
        var bad = expected >= 0 ? length != expected
            : type == StunAttributeType.MessageIntegritySha256 && (length < 16 || length > 32 || length % 4 != 0);
        if (bad)
        {
            throw new StunException(StunError.Malformed, $"STUN attribute 0x{(ushort)type:x4} has length {length}.");
        }
    }
}
