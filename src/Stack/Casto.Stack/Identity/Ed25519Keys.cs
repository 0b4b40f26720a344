// Spec: https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#ed25519 (RFC 8032 §5.1)
using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace Casto.Stack.Identity;

/// <summary>An Ed25519 public key: the 32-byte RFC 8032 encoding.</summary>
internal sealed class Ed25519PublicKey : PublicKey
{
    public const int Size = 32;
    public const int SignatureSize = 64;

    private Ed25519PublicKey(byte[] data)
        : base(KeyType.Ed25519, data)
    {
    }

    public static Ed25519PublicKey Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length != Size)
        {
            throw new IdentityException(IdentityError.InvalidKey, $"An Ed25519 public key is {Size} bytes, not {data.Length}.");
        }

        return new Ed25519PublicKey(data.ToArray());
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        return Rfc8032.Verify(signature, Data, data);
    }
}

/// <summary>An Ed25519 private key, stored as the 32-byte seed; encoded as seed ‖ public key.</summary>
internal sealed class Ed25519PrivateKey : PrivateKey
{
    private const int SeedSize = 32;
    private readonly byte[] _seed;

    private Ed25519PrivateKey(byte[] seed)
    {
        _seed = seed;
        var pub = new byte[Ed25519PublicKey.Size];
        Rfc8032.GeneratePublicKey(_seed, 0, pub, 0);
        PublicKey = Ed25519PublicKey.Decode(pub);
    }

    public override KeyType Type => KeyType.Ed25519;

    public override PublicKey PublicKey { get; }

    public static Ed25519PrivateKey Generate()
    {
        var seed = new byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        return new Ed25519PrivateKey(seed);
    }

    /// <summary>Creates the key for a given 32-byte seed (deterministic keys for tests and tools).</summary>
    public static Ed25519PrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new IdentityException(IdentityError.InvalidKey, "An Ed25519 seed is 32 bytes.");
        }

        return new Ed25519PrivateKey(seed.ToArray());
    }

    /// <summary>Accepts seed ‖ public (64 bytes) and the legacy seed ‖ public ‖ public (96 bytes).</summary>
    public static Ed25519PrivateKey Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length is not (64 or 96))
        {
            throw new IdentityException(IdentityError.InvalidKey, $"An Ed25519 private key is 64 bytes, not {data.Length}.");
        }

        var stored = data.Slice(SeedSize, Ed25519PublicKey.Size);
        if (data.Length == 96 && !stored.SequenceEqual(data[64..]))
        {
            throw new IdentityException(IdentityError.InvalidKey, "The two public keys of a legacy Ed25519 private key differ.");
        }

        var key = FromSeed(data[..SeedSize]);
        if (!key.PublicKey.Data.SequenceEqual(stored))
        {
            key.Dispose();
            throw new IdentityException(IdentityError.InvalidKey, "The Ed25519 public key does not match the private key.");
        }

        return key;
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signature = new byte[Ed25519PublicKey.SignatureSize];
        Rfc8032.Sign(_seed, data, signature);
        return signature;
    }

    protected override byte[] ExportData() => [.. _seed, .. PublicKey.Data];

    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_seed);
        base.Dispose(disposing);
    }
}
