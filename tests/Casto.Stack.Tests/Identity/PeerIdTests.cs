using Casto.Stack.Identity;
using Casto.Stack.Multiformats;

namespace Casto.Stack.Tests.Identity;

public class PeerIdTests
{
    // The examples of libp2p/specs peer-ids/peer-ids.md "Decoding".
    private const string CidForm = "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe";
    private const string Sha256Form = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
    private const string Ed25519Form = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

    [Fact]
    public void Spec_cid_and_base58_forms_name_the_same_peer()
    {
        var fromCid = PeerId.Parse(CidForm);
        var fromBase58 = PeerId.Parse(Sha256Form);
        Assert.Equal(fromBase58, fromCid);
        Assert.Equal(Sha256Form, fromCid.ToString());
        Assert.Equal(CidForm, fromBase58.ToCidString());
        Assert.Null(fromCid.PublicKey);
    }

    [Fact]
    public void Spec_ed25519_id_inlines_its_public_key()
    {
        var id = PeerId.Parse(Ed25519Form);
        Assert.Equal(Ed25519Form, id.ToString());
        Assert.NotNull(id.PublicKey);
        Assert.Equal(KeyType.Ed25519, id.PublicKey.Type);
        Assert.Equal(id, id.PublicKey.ToPeerId());
        Assert.Equal(Multihash.IdentityCode, id.Multihash.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Qm")]
    [InlineData("12D3KooW")]
    [InlineData("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5NN")] // trailing char: digest length mismatch
    [InlineData("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5S0")] // '0' is not base58
    [InlineData("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")] // CID with dag-pb codec
    [InlineData("xyz")]
    [InlineData("zQm")]
    public void Rejects_malformed_text(string text)
    {
        Assert.Throws<IdentityException>(() => PeerId.Parse(text));
        Assert.False(PeerId.TryParse(text, out _));
    }

    [Fact]
    public void Rejects_identity_multihash_that_is_not_a_key_and_unknown_hash_codes()
    {
        Assert.Throws<IdentityException>(() => PeerId.FromBytes(Multihash.Identity([1, 2, 3]).Bytes));
        Assert.Throws<IdentityException>(() => PeerId.FromBytes(Multihash.Create(0x13, new byte[64]).Bytes));
        Assert.Throws<IdentityException>(() => PeerId.FromBytes([0x12, 0x20, 1, 2]));
    }

    [Fact]
    public void Random_bytes_and_text_only_raise_identity_errors() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            Fuzz.OnlyThrows<IdentityException>(() => PeerId.FromBytes(bytes));
            Fuzz.OnlyThrows<IdentityException>(() => PublicKey.FromProtobuf(bytes));
            Fuzz.OnlyThrows<IdentityException>(() => PrivateKey.FromProtobuf(bytes));
            Fuzz.OnlyThrows<IdentityException>(() => PeerId.Parse(System.Text.Encoding.Latin1.GetString(bytes)));
            Fuzz.OnlyThrows<IdentityException>(() => PeerId.Parse("1" + Convert.ToBase64String(bytes)));
        }).QuickCheckThrowOnFailure();
}
