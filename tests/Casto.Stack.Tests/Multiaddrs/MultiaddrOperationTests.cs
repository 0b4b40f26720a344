using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Tests.Multiaddrs;

public class MultiaddrOperationTests
{
    private const string Peer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

    [Fact]
    public void Encapsulates_and_decapsulates_whole_components()
    {
        var tcp = Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001");
        var ws = tcp.Encapsulate("/ws");
        Assert.Equal("/ip4/127.0.0.1/tcp/4001/ws", ws.ToString());
        Assert.Equal(tcp, ws.Decapsulate("/ws"));
        Assert.Equal("/ip4/127.0.0.1", ws.Decapsulate("/tcp/4001").ToString());
        Assert.Same(ws, ws.Decapsulate("/tcp/400")); // no partial-string matches
        Assert.Equal("/ip4/127.0.0.1", ws.Decapsulate(MultiaddrProtocol.Tcp).ToString());
        Assert.True(ws.Decapsulate("/ip4/127.0.0.1").IsEmpty);
        Assert.Same(tcp, tcp.Encapsulate(Multiaddr.Empty));
        Assert.Same(tcp, Multiaddr.Empty.Encapsulate(tcp));
    }

    [Fact]
    public void Decapsulate_removes_the_last_occurrence()
    {
        var circuit = Multiaddr.Parse($"/ip4/1.2.3.4/tcp/1/p2p/{Peer}/p2p-circuit/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
        Assert.Equal($"/ip4/1.2.3.4/tcp/1/p2p/{Peer}", circuit.Decapsulate("/p2p-circuit").ToString());
        Assert.Equal("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC", circuit.PeerId!.ToString());
        Assert.Equal(PeerId.Parse(Peer), circuit.Decapsulate("/p2p-circuit").PeerId);
    }

    [Fact]
    public void Extracts_and_appends_peer_ids()
    {
        var id = PeerId.Parse(Peer);
        var address = Multiaddr.Parse("/dns4/example.test/tcp/443/wss");
        Assert.Null(address.PeerId);
        var full = address.WithPeerId(id);
        Assert.Equal(id, full.PeerId);
        Assert.Same(full, full.WithPeerId(id));
        Assert.Equal("example.test", full.ValueOf(MultiaddrProtocol.Dns4));
        Assert.Equal("443", full.ValueOf(MultiaddrProtocol.Tcp));
        Assert.Null(full.ValueOf(MultiaddrProtocol.Udp));
    }

    [Fact]
    public void Has_value_equality()
    {
        var a = Multiaddr.Parse("/ip6/0:0::1/udp/5/webrtc-direct");
        var b = Multiaddr.Parse("/ip6/::1/udp/5/webrtc-direct");
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Multiaddr.Parse("/ip6/::1/udp/6/webrtc-direct"));
        Assert.Equal(a.Components[1], b.Components[1]);
    }

    [Fact]
    public void Bounds_size_and_component_count()
    {
        Assert.Equal(MultiaddrError.TooLarge,
            Assert.Throws<MultiaddrFormatException>(() => Multiaddr.Parse("/dns/" + new string('a', 5000))).Error);
        Assert.Equal(MultiaddrError.TooLarge,
            Assert.Throws<MultiaddrFormatException>(() => Multiaddr.Parse(string.Concat(Enumerable.Repeat("/ws", 40)))).Error);
        Assert.Equal(MultiaddrError.TooLarge,
            Assert.Throws<MultiaddrFormatException>(() => Multiaddr.FromBytes(new byte[Multiaddr.MaxByteLength + 1])).Error);
    }
}
