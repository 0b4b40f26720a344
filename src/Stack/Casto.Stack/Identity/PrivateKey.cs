// Spec: https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#keys
using System.Security.Cryptography;

namespace Casto.Stack.Identity;

/// <summary>A libp2p private key: signs, and knows its public key and peer id.</summary>
public abstract class PrivateKey : IDisposable
{
    private PeerId? _peerId;

    /// <summary>The key type.</summary>
    public abstract KeyType Type { get; }

    /// <summary>The matching public key.</summary>
    public abstract PublicKey PublicKey { get; }

    /// <summary>The peer id of <see cref="PublicKey"/>.</summary>
    public PeerId PeerId => _peerId ??= PublicKey.ToPeerId();

    /// <summary>Signs <paramref name="data"/> with the key type's libp2p signature scheme.</summary>
    public abstract byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>The protobuf <c>PrivateKey</c> encoding (the key file format). Contains secret material.</summary>
    public byte[] ToProtobuf()
    {
        var data = ExportData();
        try
        {
            return KeyProtobuf.Encode(Type, data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>The type-specific <c>Data</c> encoding. Contains secret material.</summary>
    protected abstract byte[] ExportData();

    /// <summary>Decodes a protobuf <c>PrivateKey</c>; checks that the embedded public key matches.</summary>
    public static PrivateKey FromProtobuf(ReadOnlySpan<byte> protobuf)
    {
        var (type, data) = KeyProtobuf.DecodePrivate(protobuf);
        try
        {
            return type switch
            {
                KeyType.Ed25519 => Ed25519PrivateKey.Decode(data),
                KeyType.Secp256k1 => Secp256k1PrivateKey.Decode(data),
                KeyType.Ecdsa => EcdsaPrivateKey.Decode(data),
                KeyType.Rsa => RsaPrivateKey.Decode(data),
                _ => throw new IdentityException(IdentityError.UnsupportedKeyType, $"Unsupported key type {(int)type}."),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>Generates a new key. Ed25519 is the default; RSA keys are 2048 bits.</summary>
    public static PrivateKey Generate(KeyType type = KeyType.Ed25519) => type switch
    {
        KeyType.Ed25519 => Ed25519PrivateKey.Generate(),
        KeyType.Secp256k1 => Secp256k1PrivateKey.Generate(),
        KeyType.Ecdsa => EcdsaPrivateKey.Generate(),
        KeyType.Rsa => RsaPrivateKey.Generate(2048),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases key material.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} private key ({PeerId})";
}
