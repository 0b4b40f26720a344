// Spec: https://noiseprotocol.org/noise.html#the-cipherstate-object (rev 34 §5.1)
//       https://noiseprotocol.org/noise.html#the-chachapoly-cipher-functions (§12.3)
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// A Noise CipherState: a ChaChaPoly key <c>k</c> (or none) and a 64-bit nonce <c>n</c>. One instance per
/// direction after the handshake; the BCL <see cref="ChaCha20Poly1305"/> is created once per key and reused
/// for every message. Not thread-safe (one reader or one writer uses it).
/// </summary>
internal sealed class CipherState : IDisposable
{
    /// <summary>Size of a ChaChaPoly key.</summary>
    public const int KeySize = 32;

    private const int NonceSize = 12;

    private ChaCha20Poly1305? _aead;
    private ulong _n;

    /// <summary>True once a key is set (<c>HasKey()</c>).</summary>
    public bool HasKey => _aead is not null;

    /// <summary>The next nonce; settable for tests of nonce exhaustion.</summary>
    internal ulong Nonce
    {
        get => _n;
        set => _n = value;
    }

    /// <summary><c>InitializeKey(key)</c>: sets <c>k</c> and resets <c>n</c> to zero.</summary>
    public void InitializeKey(ReadOnlySpan<byte> key)
    {
        _aead?.Dispose();
        _aead = new ChaCha20Poly1305(key);
        _n = 0;
    }

    /// <summary>
    /// <c>EncryptWithAd(ad, plaintext)</c> into <paramref name="destination"/> (plaintext length + 16 bytes,
    /// or a plain copy without a key). Returns the bytes written.
    /// </summary>
    public int EncryptWithAd(ReadOnlySpan<byte> ad, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (_aead is null)
        {
            plaintext.CopyTo(destination);
            return plaintext.Length;
        }

        Span<byte> nonce = stackalloc byte[NonceSize];
        NextNonce(nonce);
        _aead.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, NoiseFrame.TagSize), ad);
        return plaintext.Length + NoiseFrame.TagSize;
    }

    /// <summary>
    /// <c>DecryptWithAd(ad, ciphertext)</c> into <paramref name="destination"/>, which may be the start of
    /// <paramref name="ciphertext"/> itself (in place). Returns the plaintext length.
    /// </summary>
    public int DecryptWithAd(ReadOnlySpan<byte> ad, ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        if (_aead is null)
        {
            ciphertext.CopyTo(destination);
            return ciphertext.Length;
        }

        if (ciphertext.Length < NoiseFrame.TagSize)
        {
            throw new NoiseException(NoiseError.DecryptionFailed, $"A {ciphertext.Length}-byte ciphertext is shorter than the 16-byte tag.");
        }

        var length = ciphertext.Length - NoiseFrame.TagSize;
        Span<byte> nonce = stackalloc byte[NonceSize];
        NextNonce(nonce);
        try
        {
            _aead.Decrypt(nonce, ciphertext[..length], ciphertext[length..], destination[..length], ad);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new NoiseException(NoiseError.DecryptionFailed, "A Noise message failed authentication.", ex);
        }

        return length;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _aead?.Dispose();
        _aead = null;
    }

    // The 96-bit ChaChaPoly nonce: 32 bits of zeros, then n as a 64-bit little-endian integer (§12.3).
    // n = 2^64 - 1 is reserved (§5.1): reaching it ends the connection rather than reusing a nonce.
    private void NextNonce(Span<byte> nonce)
    {
        if (_n == ulong.MaxValue)
        {
            throw new NoiseException(NoiseError.NonceExhausted, "The Noise nonce is exhausted (2^64 - 1 messages); the connection must be closed.");
        }

        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], _n++);
    }
}
