// Spec: https://www.rfc-editor.org/rfc/rfc8489#section-14.5 (MESSAGE-INTEGRITY), §14.6 (-SHA256), §14.7 (FINGERPRINT)
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Casto.WebRtc.Stun;

/// <summary>Integrity and fingerprint checks on receive.</summary>
internal readonly ref partial struct StunMessage
{
    /// <summary>XOR applied to the CRC-32 of FINGERPRINT ("STUN").</summary>
    public const uint FingerprintXor = 0x5354554E;

    /// <summary>
    /// Checks the message as an ICE agent must on receive (RFC 8445 §7.3 with RFC 8489 §9): a FINGERPRINT, if present
    /// (or if <paramref name="requireFingerprint"/>), must match; MESSAGE-INTEGRITY must be present and match
    /// <paramref name="key"/> (for ICE, the UTF-8 password). Throws <see cref="StunException"/> otherwise.
    /// </summary>
    public void Validate(ReadOnlySpan<byte> key, bool requireFingerprint = false)
    {
        if (HasFingerprint ? !VerifyFingerprint() : requireFingerprint)
        {
            throw new StunException(
                HasFingerprint ? StunError.FingerprintMismatch : StunError.MissingFingerprint,
                HasFingerprint ? "FINGERPRINT does not match." : "FINGERPRINT missing.");
        }

        if (!HasMessageIntegrity && !HasMessageIntegritySha256)
        {
            throw new StunException(StunError.MissingIntegrity, "MESSAGE-INTEGRITY missing.");
        }

        var ok = HasMessageIntegritySha256 ? VerifyMessageIntegritySha256(key) : VerifyMessageIntegrity(key);
        if (!ok || (HasMessageIntegrity && !VerifyMessageIntegrity(key)))
        {
            throw new StunException(StunError.IntegrityMismatch, "MESSAGE-INTEGRITY does not match.");
        }
    }

    /// <summary>True when FINGERPRINT is present and equals CRC-32(message up to it) XOR 0x5354554E.</summary>
    public bool VerifyFingerprint()
    {
        if (_fingerprintOffset < 0)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        CopyHeaderWithLength(header, _fingerprintOffset + 8);
        var crc = Crc32.Append(Crc32.Initial, header);
        crc = Crc32.Finish(Crc32.Append(crc, Raw[HeaderSize.._fingerprintOffset]));
        return (crc ^ FingerprintXor) == BinaryPrimitives.ReadUInt32BigEndian(Raw[(_fingerprintOffset + 4)..]);
    }

    /// <summary>True when MESSAGE-INTEGRITY is present and equals HMAC-SHA1(key, message up to it, length adjusted).</summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key) =>
        _integrityOffset >= 0 && VerifyHmac(key, _integrityOffset, 20, sha256: false);

    /// <summary>True when MESSAGE-INTEGRITY-SHA256 is present and its (possibly truncated) HMAC-SHA256 matches.</summary>
    public bool VerifyMessageIntegritySha256(ReadOnlySpan<byte> key) =>
        _integritySha256Offset >= 0
        && VerifyHmac(key, _integritySha256Offset, BinaryPrimitives.ReadUInt16BigEndian(Raw[(_integritySha256Offset + 2)..]), sha256: true);

    private bool VerifyHmac(ReadOnlySpan<byte> key, int offset, int macLength, bool sha256)
    {
        byte[]? rented = null;
        var scratch = offset <= 1024 ? stackalloc byte[offset] : (rented = ArrayPool<byte>.Shared.Rent(offset)).AsSpan(0, offset);
        try
        {
            Raw[..offset].CopyTo(scratch);
            CopyHeaderWithLength(scratch, offset + 4 + macLength);
            Span<byte> mac = stackalloc byte[32];
#pragma warning disable CA5350 // HMAC-SHA1 is what RFC 8489 §14.5 mandates for MESSAGE-INTEGRITY.
            var written = sha256 ? HMACSHA256.HashData(key, scratch, mac) : HMACSHA1.HashData(key, scratch, mac);
#pragma warning restore CA5350
            return CryptographicOperations.FixedTimeEquals(mac[..Math.Min(written, macLength)], Raw.Slice(offset + 4, macLength));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Copies the header with the length field set as if the message ended at <paramref name="end"/>.</summary>
    private void CopyHeaderWithLength(Span<byte> destination, int end)
    {
        Raw[..HeaderSize].CopyTo(destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(end - HeaderSize));
    }
}
