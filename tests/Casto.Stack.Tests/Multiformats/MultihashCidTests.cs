using Casto.Stack.Multiformats;

namespace Casto.Stack.Tests.Multiformats;

public class MultihashCidTests
{
    public static TheoryData<string, string, string, string> MultihashVectors() => TestVectors.Quads("multihash/vectors.txt");

    public static TheoryData<string, string, string, string> CidVectors() => TestVectors.Quads("cid/vectors.txt");

    [Theory]
    [MemberData(nameof(MultihashVectors))]
    public void Matches_the_multihash_vectors(string name, string codeHex, string inputHex, string expectedHex)
    {
        var input = Convert.FromHexString(inputHex);
        var code = Convert.ToUInt64(codeHex, 16);
        var mh = code == Multihash.Sha256Code ? Multihash.Sha256(input) : Multihash.Identity(input);
        Assert.Equal(expectedHex, mh.ToString());
        Assert.Equal(mh, Multihash.Parse(Convert.FromHexString(expectedHex)));
        Assert.Equal(code, mh.Code);
        Assert.NotEmpty(name);
    }

    public static TheoryData<string> InvalidMultihashVectors() => TestVectors.Column("multihash/invalid.txt");

    [Theory]
    [MemberData(nameof(InvalidMultihashVectors))]
    public void Rejects_the_invalid_multihash_vectors(string hex) =>
        Assert.Throws<MultiformatsException>(() => Multihash.Parse(Convert.FromHexString(hex)));

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("1220")] // digest missing
    [InlineData("12030102")] // digest truncated
    [InlineData("1203010203")] // sha2-256 must be 32 bytes
    [InlineData("00020102ff")] // trailing byte
    [InlineData("0080ff")] // digest length over the limit
    public void Rejects_malformed_multihashes(string hex) =>
        Assert.Throws<MultiformatsException>(() => Multihash.Parse(Convert.FromHexString(hex)));

    [Theory]
    [MemberData(nameof(CidVectors))]
    public void Matches_the_cid_vectors(string text, string version, string codecHex, string multihashHex)
    {
        var cid = Cid.Parse(text);
        Assert.Equal(int.Parse(version, System.Globalization.CultureInfo.InvariantCulture), cid.Version);
        Assert.Equal(Convert.ToUInt64(codecHex, 16), cid.Codec);
        Assert.Equal(multihashHex, cid.Hash.ToString());
        Assert.Equal(cid, Cid.FromBytes(cid.ToBytes()));
        Assert.Equal(cid, Cid.Parse(cid.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("b")]
    [InlineData("bafy")]
    [InlineData("zQm")]
    [InlineData("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5")] // 45 chars, not a CIDv0
    public void Rejects_malformed_cids(string text) => Assert.Throws<MultiformatsException>(() => Cid.Parse(text));

    public static TheoryData<string> InvalidCidVectors() => TestVectors.Column("cid/invalid.txt");

    [Theory]
    [MemberData(nameof(InvalidCidVectors))]
    public void Rejects_the_invalid_cid_vectors(string text) => Assert.Throws<MultiformatsException>(() => Cid.Parse(text));

    [Fact]
    public void Rejects_unknown_cid_versions()
    {
        var ex = Assert.Throws<MultiformatsException>(() => Cid.Parse(Multibase.Encode(MultibaseEncoding.Base32, [2, 0x72, 0, 0])));
        Assert.Equal(MultiformatsError.InvalidCid, ex.Error);
    }

    [Fact]
    public void Random_bytes_only_raise_multiformats_errors() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            Fuzz.OnlyThrows<MultiformatsException>(() => Multihash.Parse(bytes));
            Fuzz.OnlyThrows<MultiformatsException>(() => Cid.FromBytes(bytes));
            Fuzz.OnlyThrows<MultiformatsException>(() => Cid.Parse("b" + Convert.ToHexStringLower(bytes)));
        }).QuickCheckThrowOnFailure();
}
