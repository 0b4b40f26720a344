using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Casto.WebRtc.Stun;

/// <summary>Typed attribute accessors. Each returns false when the attribute is absent and throws
/// <see cref="StunException"/> (<see cref="StunError.InvalidAttribute"/>) when it is present but malformed.</summary>
internal readonly ref partial struct StunMessage
{
    public bool TryGetXorMappedAddress(out IPEndPoint? endPoint) => TryGetAddress(StunAttributeType.XorMappedAddress, xor: true, out endPoint);

    public bool TryGetMappedAddress(out IPEndPoint? endPoint) => TryGetAddress(StunAttributeType.MappedAddress, xor: false, out endPoint);

    /// <summary>USERNAME as raw UTF-8 (for comparing against the expected "remote:local" without allocating).</summary>
    public bool TryGetUsername(out ReadOnlySpan<byte> username) => TryGetAttribute(StunAttributeType.Username, out username);

    public string? Username => GetString(StunAttributeType.Username);

    public string? Software => GetString(StunAttributeType.Software);

    public string? Realm => GetString(StunAttributeType.Realm);

    public string? Nonce => GetString(StunAttributeType.Nonce);

    /// <summary>ICE PRIORITY (RFC 8445 §16.1), or null.</summary>
    public uint? Priority => TryGetAttribute(StunAttributeType.Priority, out var v) ? BinaryPrimitives.ReadUInt32BigEndian(v) : null;

    /// <summary>The tie-breaker of ICE-CONTROLLING, or null.</summary>
    public ulong? IceControlling => TryGetAttribute(StunAttributeType.IceControlling, out var v) ? BinaryPrimitives.ReadUInt64BigEndian(v) : null;

    /// <summary>The tie-breaker of ICE-CONTROLLED, or null.</summary>
    public ulong? IceControlled => TryGetAttribute(StunAttributeType.IceControlled, out var v) ? BinaryPrimitives.ReadUInt64BigEndian(v) : null;

    public bool UseCandidate => TryGetAttribute(StunAttributeType.UseCandidate, out _);

    /// <summary>
    /// ERROR-CODE (RFC 8489 §14.8):
    /// <code>
    /// |           Reserved, should be 0         |Class|     Number    |
    /// |      Reason Phrase (variable)                                ..
    /// </code>
    /// </summary>
    public bool TryGetErrorCode(out int code, out string reason)
    {
        code = 0;
        reason = string.Empty;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var value))
        {
            return false;
        }

        if (value.Length < 4 || (value[2] & 7) is < 3 or > 6 || value[3] > 99)
        {
            throw new StunException(StunError.InvalidAttribute, "Malformed ERROR-CODE.");
        }

        code = ((value[2] & 7) * 100) + value[3];
        reason = Decode(value[4..]);
        return true;
    }

    /// <summary>Copies UNKNOWN-ATTRIBUTES into <paramref name="destination"/>; returns how many (−1 if absent).</summary>
    public int GetUnknownAttributes(Span<ushort> destination)
    {
        if (!TryGetAttribute(StunAttributeType.UnknownAttributes, out var value))
        {
            return -1;
        }

        if (value.Length % 2 != 0)
        {
            throw new StunException(StunError.InvalidAttribute, "UNKNOWN-ATTRIBUTES of odd length.");
        }

        var count = Math.Min(value.Length / 2, destination.Length);
        for (var i = 0; i < count; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt16BigEndian(value[(2 * i)..]);
        }

        return count;
    }

    /// <summary>Collects comprehension-required attribute types this codec does not know (for a 420 response).</summary>
    public int GetUnknownComprehensionRequired(Span<ushort> destination)
    {
        var count = 0;
        foreach (var attribute in this)
        {
            if (attribute.IsComprehensionRequired && !Enum.IsDefined(attribute.Type) && count < destination.Length)
            {
                destination[count++] = (ushort)attribute.Type;
            }
        }

        return count;
    }

    private bool TryGetAddress(StunAttributeType type, bool xor, out IPEndPoint? endPoint)
    {
        endPoint = TryGetAttribute(type, out var value) ? StunAddress.Read(value, TransactionId, xor) : null;
        return endPoint is not null;
    }

    private string? GetString(StunAttributeType type) => TryGetAttribute(type, out var value) ? Decode(value) : null;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new StunException(StunError.InvalidAttribute, "Attribute is not valid UTF-8.", ex);
        }
    }
}
