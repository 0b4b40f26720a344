using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Casto.WebRtc.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): keystream block j is
/// AES(k_e, IV + j) with IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16).
/// </summary>
/// <remarks>
/// The counter blocks are encrypted with a cached ECB <see cref="ICryptoTransform"/>. <c>Aes.EncryptEcb</c>
/// creates a native cipher per call (measured: 64 B allocated and ~8× slower per 512 bytes on .NET 10/Linux),
/// so it is only used for key derivation. Not thread-safe: the scratch buffers belong to the instance.
/// </remarks>
internal sealed class AesCmKeystream : IDisposable
{
    // 96 blocks cover a 1500-byte MTU in one ECB call; larger packets take several.
    private const int ChunkBytes = 1536;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _salt = new byte[14];
    private readonly byte[] _counters = new byte[ChunkBytes];
    private readonly byte[] _keystream = new byte[ChunkBytes];

    [SuppressMessage("Security", "CA5358:Do not use unsafe cipher modes", Justification = "ECB encrypts counter blocks: this is AES-CM (RFC 3711 §4.1.1).")]
    public AesCmKeystream(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> sessionSalt)
    {
        if (sessionSalt.Length != 14)
        {
            throw new ArgumentException("The AES-CM session salt is 112 bits.", nameof(sessionSalt));
        }

        sessionSalt.CopyTo(_salt);
        _aes = Aes.Create();
        _aes.SetKey(sessionKey);
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>
    /// XORs the keystream for (<paramref name="ssrc"/>, <paramref name="index"/>) over <paramref name="source"/>
    /// into <paramref name="destination"/> (same length; may be the same memory).
    /// </summary>
    public void Apply(uint ssrc, ulong index, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        Span<byte> iv = stackalloc byte[16];
        _salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        XorBigEndian32(iv[4..], ssrc);
        XorBigEndian32(iv[8..], (uint)(index >> 16));
        XorBigEndian16(iv[12..], (ushort)index);

        int block = 0;
        for (int offset = 0; offset < source.Length; offset += ChunkBytes)
        {
            int length = Math.Min(ChunkBytes, source.Length - offset);
            int blocks = (length + 15) >> 4;
            for (int b = 0; b < blocks; b++, block++)
            {
                // The low 16 bits of the IV are zero, so "IV + j" is a plain write of j (packets are < 1 MiB).
                Span<byte> counter = _counters.AsSpan(b << 4, 16);
                iv[..14].CopyTo(counter);
                BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)block);
            }

            _ecb.TransformBlock(_counters, 0, blocks << 4, _keystream, 0);
            Xor(source.Slice(offset, length), _keystream.AsSpan(0, length), destination.Slice(offset, length));
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
    }

    /// <summary>destination = source XOR keystream; destination may alias source exactly.</summary>
    internal static void Xor(ReadOnlySpan<byte> source, ReadOnlySpan<byte> keystream, Span<byte> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<byte>.Count)
        {
            ReadOnlySpan<Vector<byte>> s = MemoryMarshal.Cast<byte, Vector<byte>>(source);
            ReadOnlySpan<Vector<byte>> k = MemoryMarshal.Cast<byte, Vector<byte>>(keystream);
            Span<Vector<byte>> d = MemoryMarshal.Cast<byte, Vector<byte>>(destination);
            for (int v = 0; v < s.Length; v++)
            {
                d[v] = s[v] ^ k[v];
            }

            i = s.Length * Vector<byte>.Count;
        }

        for (; i < source.Length; i++)
        {
            destination[i] = (byte)(source[i] ^ keystream[i]);
        }
    }

    private static void XorBigEndian32(Span<byte> target, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(target, BinaryPrimitives.ReadUInt32BigEndian(target) ^ value);

    private static void XorBigEndian16(Span<byte> target, ushort value) =>
        BinaryPrimitives.WriteUInt16BigEndian(target, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(target) ^ value));
}
