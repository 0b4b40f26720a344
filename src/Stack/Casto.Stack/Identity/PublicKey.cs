// Spec: https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#keys
namespace Casto.Stack.Identity;

/// <summary>The libp2p key types (values are the protobuf enum values).</summary>
public enum KeyType
{
    /// <summary>RSA, PKIX public key, PKCS#1 private key, RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    Rsa = 0,
    /// <summary>Ed25519 (the default and the one every implementation must support).</summary>
    Ed25519 = 1,
    /// <summary>Secp256k1, compressed SEC1 public key, DER ECDSA signature over SHA-256.</summary>
    Secp256k1 = 2,
    /// <summary>ECDSA (NIST curves), PKIX public key, SEC1 private key, DER signature over SHA-256.</summary>
    Ecdsa = 3,
}

/// <summary>A libp2p public key of any supported type.</summary>
public abstract class PublicKey : IEquatable<PublicKey>
{
    private readonly byte[] _data;
    private byte[]? _protobuf;

    private protected PublicKey(KeyType type, byte[] data)
    {
        Type = type;
        _data = data;
    }

    /// <summary>The key type.</summary>
    public KeyType Type { get; }

    /// <summary>The type-specific encoding carried in the protobuf <c>Data</c> field.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>The deterministic protobuf encoding (what peer ids and handshakes carry).</summary>
    public ReadOnlySpan<byte> Protobuf => _protobuf ??= KeyProtobuf.Encode(Type, _data);

    /// <summary>The peer id derived from this key.</summary>
    public PeerId ToPeerId() => PeerId.FromPublicKey(this);

    /// <summary>Checks <paramref name="signature"/> over <paramref name="data"/>; false for any invalid signature.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Decodes a protobuf <c>PublicKey</c>; throws <see cref="IdentityException"/> on bad input.</summary>
    public static PublicKey FromProtobuf(ReadOnlySpan<byte> protobuf)
    {
        var (type, data) = KeyProtobuf.DecodePublic(protobuf);
        return Create(type, data);
    }

    /// <summary>Builds a public key from its type and <c>Data</c> encoding.</summary>
    public static PublicKey Create(KeyType type, ReadOnlySpan<byte> data) => type switch
    {
        KeyType.Ed25519 => Ed25519PublicKey.Decode(data),
        KeyType.Secp256k1 => Secp256k1PublicKey.Decode(data),
        KeyType.Ecdsa => EcdsaPublicKey.Decode(data),
        KeyType.Rsa => RsaPublicKey.Decode(data),
        _ => throw new IdentityException(IdentityError.UnsupportedKeyType, $"Unsupported key type {(int)type}."),
    };

    /// <inheritdoc/>
    public bool Equals(PublicKey? other) => other is not null && Type == other.Type && Data.SequenceEqual(other.Data);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.AddBytes(_data);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} public key ({ToPeerId()})";
}
