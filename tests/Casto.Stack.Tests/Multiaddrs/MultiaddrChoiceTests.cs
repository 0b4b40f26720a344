using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Tests.Multiaddrs;

/// <summary>Casto's side on the cases where go-multiaddr and js-multiaddr disagree (Vectors/multiaddr/disagreements.txt).</summary>
public class MultiaddrChoiceTests
{
    [Fact]
    public void Slash_is_the_empty_address_and_empty_text_is_rejected()
    {
        Assert.Same(Multiaddr.Empty, Multiaddr.Parse("/"));
        Assert.Equal("/", Multiaddr.Empty.ToString());
        Assert.True(Multiaddr.FromBytes([]).IsEmpty);
        Assert.Equal(MultiaddrError.InvalidSyntax, Assert.Throws<MultiaddrFormatException>(() => Multiaddr.Parse("")).Error);
    }

    [Theory]
    [InlineData("/ip4/1.2.3.4/", "/ip4/1.2.3.4")]
    [InlineData("/ip4/1.2.3.4/tcp/80//", "/ip4/1.2.3.4/tcp/80")]
    public void Trailing_slashes_are_tolerated(string text, string canonical) =>
        Assert.Equal(canonical, Multiaddr.Parse(text).ToString());

    [Theory]
    [InlineData("/ip4/1.2.3.4//tcp/80")]
    [InlineData("//ip4/1.2.3.4")]
    [InlineData("/tcp/080")]
    [InlineData("/tcp/+80")]
    [InlineData("/tcp/65536")]
    [InlineData("/ip4/01.2.3.4")]
    [InlineData("/ip4/1.2.3")]
    [InlineData("/ip4/::1")]
    [InlineData("/ip6/1.2.3.4")]
    [InlineData("/ip6/fe80::1%eth0")]
    [InlineData("/dns4/a/b")]
    [InlineData("/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNK")]
    public void Rejects_what_either_reference_rejects(string text) =>
        Assert.Throws<MultiaddrFormatException>(() => Multiaddr.Parse(text));

    [Fact]
    public void Unix_takes_the_rest_of_the_address_as_an_absolute_path()
    {
        var address = Multiaddr.Parse("/ip4/127.0.0.1/tcp/1/unix/tmp/p2p.sock");
        var unix = address.Components[^1];
        Assert.Equal(MultiaddrProtocol.Unix, unix.Protocol);
        Assert.Equal("/tmp/p2p.sock", unix.Value);
        Assert.Equal("/ip4/127.0.0.1/tcp/1/unix/tmp/p2p.sock", address.ToString());
        Assert.Equal("9003062f737464696f", Convert.ToHexStringLower(Multiaddr.Parse("/unix/stdio").Bytes));
    }

    [Fact]
    public void Ipv4_mapped_ip6_prints_in_dotted_form_like_go() =>
        Assert.Equal("/ip6/::ffff:127.0.0.1/tcp/111", Multiaddr.Parse("/ip6/::ffff:7f00:1/tcp/111").ToString());
}
