// Spec: https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#keys (deterministic encoding rules)
using Google.Protobuf;

namespace Casto.Stack.Identity;

/// <summary>
/// The <c>PublicKey</c>/<c>PrivateKey</c> protobufs. Encoding is deterministic (field order, minimal
/// varints, every field present); decoding accepts only the canonical encoding, so a key has exactly
/// one byte form and one peer id.
/// </summary>
internal static class KeyProtobuf
{
    /// <summary>Largest encoded key accepted (an 8192-bit RSA private key is about 4.8 KB).</summary>
    public const int MaxEncodedLength = 8 * 1024;

    public static byte[] Encode(KeyType type, ReadOnlySpan<byte> data) =>
        new Pb.PublicKey { Type = (Pb.KeyType)type, Data = ByteString.CopyFrom(data) }.ToByteArray();

    public static (KeyType Type, byte[] Data) DecodePublic(ReadOnlySpan<byte> protobuf) =>
        Decode(protobuf, Pb.PublicKey.Parser, static k => (k.HasType, k.HasData, k.Type, k.Data), "public");

    public static (KeyType Type, byte[] Data) DecodePrivate(ReadOnlySpan<byte> protobuf) =>
        Decode(protobuf, Pb.PrivateKey.Parser, static k => (k.HasType, k.HasData, k.Type, k.Data), "private");

    private static (KeyType, byte[]) Decode<T>(
        ReadOnlySpan<byte> protobuf,
        MessageParser<T> parser,
        Func<T, (bool HasType, bool HasData, Pb.KeyType Type, ByteString Data)> fields,
        string kind)
        where T : IMessage<T>
    {
        if (protobuf.Length > MaxEncodedLength)
        {
            throw new IdentityException(IdentityError.InvalidKeyEncoding, $"Encoded {kind} key exceeds {MaxEncodedLength} bytes.");
        }

        T message;
        try
        {
            message = parser.ParseFrom(protobuf);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new IdentityException(IdentityError.InvalidKeyEncoding, $"Malformed {kind} key protobuf.", ex);
        }

        var (hasType, hasData, type, data) = fields(message);
        if (!hasType || !hasData)
        {
            throw new IdentityException(IdentityError.InvalidKeyEncoding, $"The {kind} key protobuf lacks a required field.");
        }

        if (!Enum.IsDefined((KeyType)type))
        {
            throw new IdentityException(IdentityError.UnsupportedKeyType, $"Unsupported key type {(int)type}.");
        }

        // Canonical form only: re-encoding must give back the input (no unknown or repeated fields,
        // tag order, minimal varints).
        if (!Encode((KeyType)type, data.Span).AsSpan().SequenceEqual(protobuf))
        {
            throw new IdentityException(IdentityError.InvalidKeyEncoding, $"The {kind} key protobuf is not canonically encoded.");
        }

        return ((KeyType)type, data.ToByteArray());
    }
}
