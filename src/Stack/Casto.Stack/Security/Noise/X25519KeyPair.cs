// Spec: https://noiseprotocol.org/noise.html#the-25519-dh-functions (rev 34 §12.1), RFC 7748 §5
using System.Security.Cryptography;
using Rfc7748 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace Casto.Stack.Security.Noise;

/// <summary>A Curve25519 key pair for Noise (static or ephemeral); X25519 itself is BouncyCastle's.</summary>
internal sealed class X25519KeyPair : IDisposable
{
    /// <summary>DHLEN: the size of public keys and shared secrets.</summary>
    public const int KeySize = 32;

    private readonly byte[] _private;

    private X25519KeyPair(byte[] privateKey)
    {
        _private = privateKey;
        PublicKey = new byte[KeySize];
        Rfc7748.GeneratePublicKey(_private, 0, PublicKey, 0);
    }

    /// <summary>The RFC 7748 public key encoding.</summary>
    public byte[] PublicKey { get; }

    /// <summary><c>GENERATE_KEYPAIR()</c> from the OS random number generator.</summary>
    public static X25519KeyPair Generate()
    {
        var key = new byte[KeySize];
        RandomNumberGenerator.Fill(key);
        return new X25519KeyPair(key);
    }

    /// <summary>A key pair from a fixed private key (RFC 7748 clamping applies), for test vectors.</summary>
    public static X25519KeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException($"An X25519 private key is {KeySize} bytes.", nameof(privateKey));
        }

        return new X25519KeyPair(privateKey.ToArray());
    }

    /// <summary>
    /// <c>DH(key_pair, public_key)</c> into <paramref name="sharedSecret"/>. A low-order remote key (all-zero
    /// result) fails the handshake instead of yielding a secret an attacker knows.
    /// </summary>
    public void Agree(ReadOnlySpan<byte> remotePublicKey, Span<byte> sharedSecret)
    {
        Span<byte> secret = stackalloc byte[KeySize];
        try
        {
            if (!Rfc7748.CalculateAgreement(_private, remotePublicKey, secret))
            {
                throw new NoiseException(NoiseError.HandshakeFailed, "The remote Curve25519 key is a low-order point.");
            }

            secret.CopyTo(sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => CryptographicOperations.ZeroMemory(_private);
}
