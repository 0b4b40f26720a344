using Casto.Stack.Identity;

namespace Casto.Stack.Tests.Identity;

/// <summary>The test vectors of libp2p/specs peer-ids/peer-ids.md, one row per key type.</summary>
public class KeyVectorTests
{
    public static TheoryData<string, string, string> Vectors() => TestVectors.Triples("peer-ids/keys.txt");

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Private_key_produces_the_vector_public_key(string type, string privateHex, string publicHex)
    {
        using var key = PrivateKey.FromProtobuf(Convert.FromHexString(privateHex));
        Assert.Equal(Enum.Parse<KeyType>(type), key.Type);
        Assert.Equal(publicHex, Convert.ToHexStringLower(key.PublicKey.Protobuf));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encodings_round_trip_byte_for_byte(string type, string privateHex, string publicHex)
    {
        using var key = PrivateKey.FromProtobuf(Convert.FromHexString(privateHex));
        Assert.Equal(privateHex, Convert.ToHexStringLower(key.ToProtobuf()));
        var publicKey = PublicKey.FromProtobuf(Convert.FromHexString(publicHex));
        Assert.Equal(Enum.Parse<KeyType>(type), publicKey.Type);
        Assert.Equal(publicHex, Convert.ToHexStringLower(publicKey.Protobuf));
        Assert.Equal(key.PublicKey, publicKey);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Signatures_verify_with_the_public_key_and_fail_when_tampered(string type, string privateHex, string publicHex)
    {
        using var key = PrivateKey.FromProtobuf(Convert.FromHexString(privateHex));
        var publicKey = PublicKey.FromProtobuf(Convert.FromHexString(publicHex));
        var message = "noise-libp2p-static-key:casto"u8.ToArray();
        var signature = key.Sign(message);

        Assert.True(publicKey.Verify(message, signature), type);
        message[0] ^= 1;
        Assert.False(publicKey.Verify(message, signature));
        message[0] ^= 1;
        signature[^1] ^= 1;
        Assert.False(publicKey.Verify(message, signature));
        Assert.False(publicKey.Verify(message, []));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Peer_id_uses_identity_up_to_42_bytes_and_sha256_above(string type, string privateHex, string publicHex)
    {
        _ = privateHex;
        var publicKey = PublicKey.FromProtobuf(Convert.FromHexString(publicHex));
        var id = publicKey.ToPeerId();
        var inline = publicHex.Length / 2 <= PeerId.MaxInlineKeyLength;
        Assert.Equal(inline ? 0x00UL : 0x12UL, id.Multihash.Code);
        Assert.Equal(inline, id.PublicKey is not null);
        Assert.True(id.Matches(publicKey), type);
        Assert.Equal(id, PeerId.Parse(id.ToString()));
        Assert.Equal(id, PeerId.Parse(id.ToCidString()));
        Assert.Equal(id, PeerId.FromBytes(id.Bytes));
        var expectedPrefix = type switch { "Ed25519" => "12D3KooW", "Secp256k1" => "16Uiu2H", _ => "Qm" };
        Assert.StartsWith(expectedPrefix, id.ToString(), StringComparison.Ordinal);
    }
}
