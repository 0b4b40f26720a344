// Spec: https://noiseprotocol.org/noise.html#the-symmetricstate-object (rev 34 §5.2)
//       https://noiseprotocol.org/noise.html#hash-functions (§4.3 HKDF) and #the-sha256-hash-function (§12.5)
using System.Security.Cryptography;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// A Noise SymmetricState over SHA-256: the chaining key <c>ck</c>, the handshake hash <c>h</c> and the
/// handshake's <see cref="CipherState"/>. Hashing and HKDF come from the BCL.
/// </summary>
internal sealed class SymmetricState : IDisposable
{
    /// <summary>SHA-256 output size (HASHLEN).</summary>
    public const int HashLength = 32;

    private readonly byte[] _ck = new byte[HashLength];
    private readonly byte[] _h = new byte[HashLength];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly CipherState _cipher = new();

    /// <summary>
    /// <c>InitializeSymmetric(protocol_name)</c>: <c>h</c> = the name zero-padded to HASHLEN when it fits,
    /// else HASH(name); <c>ck</c> = <c>h</c>; no cipher key.
    /// </summary>
    public SymmetricState(ReadOnlySpan<byte> protocolName)
    {
        if (protocolName.Length <= HashLength)
        {
            protocolName.CopyTo(_h);
        }
        else
        {
            SHA256.HashData(protocolName, _h);
        }

        _h.CopyTo(_ck, 0);
    }

    /// <summary>The handshake hash <c>h</c> (the channel-binding value once the handshake is done).</summary>
    public ReadOnlySpan<byte> HandshakeHash => _h;

    /// <summary>True once <see cref="MixKey"/> has run (payloads are encrypted from then on).</summary>
    public bool HasKey => _cipher.HasKey;

    /// <summary><c>MixKey(ikm)</c>: <c>ck, temp_k = HKDF(ck, ikm, 2)</c>; <c>InitializeKey(temp_k)</c>.</summary>
    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> output = stackalloc byte[2 * HashLength];
        Hkdf(inputKeyMaterial, output);
        output[..HashLength].CopyTo(_ck);
        _cipher.InitializeKey(output[HashLength..]);
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary><c>MixHash(data)</c>: <c>h = HASH(h || data)</c>.</summary>
    public void MixHash(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(_h);
        _hash.AppendData(data);
        _hash.GetHashAndReset(_h);
    }

    /// <summary><c>EncryptAndHash(plaintext)</c> into <paramref name="destination"/>; returns the bytes written.</summary>
    public int EncryptAndHash(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        var written = _cipher.EncryptWithAd(_h, plaintext, destination);
        MixHash(destination[..written]);
        return written;
    }

    /// <summary><c>DecryptAndHash(ciphertext)</c> into <paramref name="destination"/>; returns the plaintext length.</summary>
    public int DecryptAndHash(ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        var length = _cipher.DecryptWithAd(_h, ciphertext, destination);
        MixHash(ciphertext);
        return length;
    }

    /// <summary>
    /// <c>Split()</c>: <c>temp_k1, temp_k2 = HKDF(ck, zerolen, 2)</c>; the first CipherState encrypts
    /// initiator → responder, the second responder → initiator.
    /// </summary>
    public (CipherState InitiatorToResponder, CipherState ResponderToInitiator) Split()
    {
        Span<byte> output = stackalloc byte[2 * HashLength];
        Hkdf([], output);
        var c1 = new CipherState();
        var c2 = new CipherState();
        c1.InitializeKey(output[..HashLength]);
        c2.InitializeKey(output[HashLength..]);
        CryptographicOperations.ZeroMemory(output);
        return (c1, c2);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_ck);
        _hash.Dispose();
        _cipher.Dispose();
    }

    // Noise's HKDF(chaining_key, input_key_material, 2) (§4.3), built on the BCL's HMAC-SHA256:
    // temp_key = HMAC(ck, ikm); output1 = HMAC(temp_key, 0x01); output2 = HMAC(temp_key, output1 || 0x02).
    // (This is RFC 5869 with empty info, but the OpenSSL-backed HKDF class rejects the empty ikm of Split().)
    private void Hkdf(ReadOnlySpan<byte> inputKeyMaterial, Span<byte> output)
    {
        Span<byte> tempKey = stackalloc byte[HashLength];
        Span<byte> block = stackalloc byte[HashLength + 1];
        HMACSHA256.HashData(_ck, inputKeyMaterial, tempKey);
        block[0] = 0x01;
        HMACSHA256.HashData(tempKey, block[..1], output[..HashLength]);
        output[..HashLength].CopyTo(block);
        block[HashLength] = 0x02;
        HMACSHA256.HashData(tempKey, block, output.Slice(HashLength, HashLength));
        CryptographicOperations.ZeroMemory(tempKey);
        CryptographicOperations.ZeroMemory(block);
    }
}
