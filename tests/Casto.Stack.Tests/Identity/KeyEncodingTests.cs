using Casto.Stack.Identity;

namespace Casto.Stack.Tests.Identity;

public class KeyEncodingTests
{
    private const string Ed25519Public = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

    [Theory]
    [InlineData("12201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e0801")] // fields out of order
    [InlineData("080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e1801")] // unknown field
    [InlineData("0801")] // Data missing
    [InlineData("12201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")] // Type missing
    [InlineData("08811200")] // non-minimal varint for the type
    [InlineData("0801080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")] // repeated field
    [InlineData("080112")] // truncated length
    [InlineData("08011221")] // length beyond the input
    public void Rejects_non_canonical_public_keys(string hex)
    {
        var ex = Assert.Throws<IdentityException>(() => PublicKey.FromProtobuf(Convert.FromHexString(hex)));
        Assert.Equal(IdentityError.InvalidKeyEncoding, ex.Error);
    }

    [Theory]
    [InlineData(KeyType.Ed25519, 31)]
    [InlineData(KeyType.Ed25519, 33)]
    [InlineData(KeyType.Secp256k1, 32)]
    [InlineData(KeyType.Secp256k1, 33)] // right size, not a point (prefix 0x00)
    [InlineData(KeyType.Ecdsa, 91)]
    [InlineData(KeyType.Rsa, 300)]
    public void Rejects_invalid_key_data(KeyType type, int size)
    {
        var ex = Assert.Throws<IdentityException>(() => PublicKey.Create(type, new byte[size]));
        Assert.Equal(IdentityError.InvalidKey, ex.Error);
    }

    [Fact]
    public void Rejects_unknown_key_type_and_oversized_input()
    {
        Assert.Equal(IdentityError.UnsupportedKeyType, Assert.Throws<IdentityException>(() => PublicKey.Create((KeyType)7, [1])).Error);
        Assert.Equal(IdentityError.InvalidKeyEncoding, Assert.Throws<IdentityException>(() => PublicKey.FromProtobuf(new byte[20_000])).Error);
    }

    [Fact]
    public void Accepts_legacy_96_byte_ed25519_private_keys_and_checks_the_copies()
    {
        using var key = PrivateKey.Generate();
        var modern = key.ToProtobuf();
        var data = modern.AsSpan(4).ToArray(); // 08 01 12 40 header
        byte[] legacy = [0x08, 0x01, 0x12, 0x60, .. data, .. data.AsSpan(32)];
        using var loaded = PrivateKey.FromProtobuf(legacy);
        Assert.Equal(key.PeerId, loaded.PeerId);

        legacy[^1] ^= 1;
        Assert.Throws<IdentityException>(() => PrivateKey.FromProtobuf(legacy));
        var mismatched = (byte[])modern.Clone();
        mismatched[^1] ^= 1;
        Assert.Throws<IdentityException>(() => PrivateKey.FromProtobuf(mismatched));
    }

    [Theory]
    [InlineData(KeyType.Ed25519)]
    [InlineData(KeyType.Secp256k1)]
    [InlineData(KeyType.Ecdsa)]
    [InlineData(KeyType.Rsa)]
    public void Generated_keys_round_trip_and_sign(KeyType type)
    {
        using var key = PrivateKey.Generate(type);
        using var reloaded = PrivateKey.FromProtobuf(key.ToProtobuf());
        Assert.Equal(key.PeerId, reloaded.PeerId);
        var signature = reloaded.Sign("hello"u8);
        Assert.True(key.PublicKey.Verify("hello"u8, signature));
        Assert.Equal(key.PublicKey, PublicKey.FromProtobuf(key.PublicKey.Protobuf));
    }

    [Fact]
    public void Secp256k1_signatures_are_deterministic_and_low_s()
    {
        using var key = PrivateKey.Generate(KeyType.Secp256k1);
        for (var i = 0; i < 32; i++)
        {
            var message = BitConverter.GetBytes(i);
            var signature = key.Sign(message);
            Assert.Equal(signature, key.Sign(message));
            // DER: 30 len 02 rlen r 02 slen s; low-S means s < n/2, so s has at most 32 bytes and no 0x00 pad.
            var rLength = signature[3];
            var sLength = signature[5 + rLength];
            Assert.True(sLength <= 32);
        }
    }

    [Fact]
    public void Spec_ed25519_public_key_decodes() =>
        Assert.Equal(KeyType.Ed25519, PublicKey.FromProtobuf(Convert.FromHexString(Ed25519Public)).Type);
}
