using System.Text;
using Casto.Stack.Multiformats;

namespace Casto.Stack.Tests.Multiformats;

public class MultibaseTests
{
    /// <summary>multiformats/multibase test vectors (see the file header for the source).</summary>
    public static TheoryData<string, string, string> Vectors() => TestVectors.Triples("multibase/vectors.txt");

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Matches_the_multibase_vectors(string encodingName, string inputHex, string expected)
    {
        var input = Convert.FromHexString(inputHex);
        var encoding = (MultibaseEncoding)expected[0];
        Assert.True(Enum.IsDefined(encoding), encodingName);
        Assert.Equal(expected, Multibase.Encode(encoding, input));
        Assert.Equal(input, Multibase.Decode(expected, out var decodedWith));
        Assert.Equal(encoding, decodedWith);
    }

    /// <summary>base16, base32 and base36 decode case-insensitively (multibase tests/case_insensitivity.csv).</summary>
    [Theory]
    [MemberData(nameof(CaseInsensitive))]
    public void Decodes_case_insensitive_encodings_in_any_case(string encodingName, string expectedHex, string text)
    {
        Assert.Equal(expectedHex, Convert.ToHexStringLower(Multibase.Decode(text)));
        Assert.NotEmpty(encodingName);
    }

    public static TheoryData<string, string, string> CaseInsensitive() => TestVectors.Triples("multibase/case-insensitive.txt");

    [Theory]
    [InlineData("")]
    [InlineData("?abc")]
    [InlineData("z0OIl")] // not in the base58btc alphabet
    [InlineData("bABC")] // impossible base32 length
    [InlineData("ba")] // impossible base32 length
    [InlineData("mYQ==")] // padding
    [InlineData("uYQ+")] // base64 (not url) character
    [InlineData("fabc")] // odd hex length
    [InlineData("fxy")]
    [InlineData("k!")]
    public void Rejects_bad_text(string text) => Assert.Throws<MultiformatsException>(() => Multibase.Decode(text));

    [Fact]
    public void Bounds_the_quadratic_encodings()
    {
        var ex = Assert.Throws<MultiformatsException>(() => Multibase.Decode("z" + new string('2', 5000)));
        Assert.Equal(MultiformatsError.TooLarge, ex.Error);
    }

    [Fact]
    public void Every_encoding_round_trips_random_bytes() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            foreach (var encoding in Enum.GetValues<MultibaseEncoding>())
            {
                var text = Multibase.Encode(encoding, bytes);
                if (!Multibase.Decode(text).AsSpan().SequenceEqual(bytes))
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Random_text_only_raises_multiformats_errors() =>
        Prop.ForAll<string>(text =>
        {
            foreach (var prefix in "fFbBkKzmu?")
            {
                Fuzz.OnlyThrows<MultiformatsException>(() => Multibase.Decode(prefix + (text ?? string.Empty)));
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Base58btc_keeps_leading_zero_bytes() =>
        Assert.Equal("z11" + "2", Multibase.Encode(MultibaseEncoding.Base58Btc, Encoding.ASCII.GetBytes("\0\0\u0001")));
}
