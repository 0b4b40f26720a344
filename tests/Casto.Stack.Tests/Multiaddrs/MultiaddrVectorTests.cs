using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Tests.Multiaddrs;

/// <summary>
/// Valid and invalid cases of go-multiaddr, js-multiaddr and rust-multiaddr (Vectors/multiaddr, sources in
/// each file's header). Where the references disagree, Casto's choice is pinned in <see cref="MultiaddrChoiceTests"/>.
/// </summary>
public class MultiaddrVectorTests
{
    public static TheoryData<string, string> Valid() => TestVectors.Pairs("multiaddr/valid.txt");

    public static TheoryData<string> Invalid() => TestVectors.Column("multiaddr/invalid.txt");

    public static TheoryData<string, string> Binary() => TestVectors.Pairs("multiaddr/binary.txt");

    public static TheoryData<string> InvalidBinary() => TestVectors.Column("multiaddr/invalid-binary.txt");

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_valid_text_and_prints_the_canonical_form(string text, string canonical)
    {
        var address = Multiaddr.Parse(text);
        Assert.Equal(canonical, address.ToString());
        Assert.Equal(address, Multiaddr.Parse(canonical));
        Assert.Equal(address, Multiaddr.FromBytes(address.Bytes));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_invalid_text(string text)
    {
        Assert.Throws<MultiaddrFormatException>(() => Multiaddr.Parse(text == "<empty>" ? string.Empty : text));
        Assert.False(Multiaddr.TryParse(text, out _));
    }

    [Theory]
    [MemberData(nameof(Binary))]
    public void Encodes_and_decodes_the_reference_bytes(string text, string hex)
    {
        Assert.Equal(hex, Convert.ToHexStringLower(Multiaddr.Parse(text).Bytes));
        Assert.Equal(text, Multiaddr.FromBytes(Convert.FromHexString(hex)).ToString());
    }

    [Theory]
    [MemberData(nameof(InvalidBinary))]
    public void Rejects_invalid_bytes(string hex) =>
        Assert.Throws<MultiaddrFormatException>(() => Multiaddr.FromBytes(Convert.FromHexString(hex)));
}
