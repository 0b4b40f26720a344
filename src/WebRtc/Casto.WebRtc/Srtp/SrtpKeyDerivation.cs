using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Casto.WebRtc.Srtp;

/// <summary>
/// The SRTP key derivation function: the AES-CM PRF keyed with the master key (RFC 3711 §4.3.1, §4.3.3),
/// with a key derivation rate of 0 as DTLS-SRTP requires (RFC 5764 §4.1.2).
/// </summary>
internal static class SrtpKeyDerivation
{
    /// <summary>Label of the SRTP encryption key.</summary>
    public const byte RtpEncryption = 0x00;
    /// <summary>Label of the SRTP authentication key.</summary>
    public const byte RtpAuthentication = 0x01;
    /// <summary>Label of the SRTP salting key.</summary>
    public const byte RtpSalt = 0x02;
    /// <summary>Label of the SRTCP encryption key.</summary>
    public const byte RtcpEncryption = 0x03;
    /// <summary>Label of the SRTCP authentication key.</summary>
    public const byte RtcpAuthentication = 0x04;
    /// <summary>Label of the SRTCP salting key.</summary>
    public const byte RtcpSalt = 0x05;

    /// <summary>
    /// Fills <paramref name="output"/> with the session key for <paramref name="label"/>:
    /// AES-CM keystream under the master key with IV = ((label || r) XOR master_salt) · 2^16 and r = 0.
    /// </summary>
    [SuppressMessage("Security", "CA5358:Do not use unsafe cipher modes", Justification = "ECB encrypts single counter blocks: this is AES-CM (RFC 3711 §4.1.1).")]
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length > 14)
        {
            throw new ArgumentException("The master salt is at most 112 bits.", nameof(masterSalt));
        }

        using var aes = Aes.Create();
        aes.SetKey(masterKey);

        // The salt is left-aligned in the 128-bit block; label sits at octet 7, followed by the 48-bit r = 0.
        Span<byte> counter = stackalloc byte[16];
        counter.Clear();
        masterSalt.CopyTo(counter);
        counter[7] ^= label;

        Span<byte> block = stackalloc byte[16];
        for (int offset = 0, i = 0; offset < output.Length; offset += 16, i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)i);
            aes.EncryptEcb(counter, block, PaddingMode.None);
            block[..Math.Min(16, output.Length - offset)].CopyTo(output[offset..]);
        }

        CryptographicOperations.ZeroMemory(block);
    }
}
