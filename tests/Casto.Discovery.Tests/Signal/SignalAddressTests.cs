using Casto.Discovery.Signal;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Signal;

public sealed class SignalAddressTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/9090/ws/p2p-webrtc-star", "ws://127.0.0.1:9090/")]
    [InlineData("/ip6/::1/tcp/9090/ws/p2p-webrtc-star", "ws://[::1]:9090/")]
    [InlineData("/dns4/signal.example/tcp/443/wss/p2p-webrtc-star", "wss://signal.example/")]
    [InlineData("/ip4/127.0.0.1/tcp/9090/ws", "ws://127.0.0.1:9090/")]
    [InlineData("/ip4/127.0.0.1/tcp/9090/ws/p2p-webrtc-star/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA", "ws://127.0.0.1:9090/")]
    public void Server_addresses_map_to_websocket_uris(string address, string uri) =>
        Assert.Equal(new Uri(uri), SignalAddress.ToUri(Multiaddr.Parse(address)));

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/9090")]
    [InlineData("/ip4/127.0.0.1/udp/9090/ws")]
    [InlineData("/ip4/127.0.0.1/tcp/9090/ws/p2p-circuit")]
    [InlineData("/unix/tmp/sock")]
    public void Other_shapes_are_rejected(string address) =>
        Assert.Equal(SignalError.BadAddress, Assert.Throws<SignalException>(() => SignalAddress.ToUri(Multiaddr.Parse(address))).Error);

    [Theory]
    [InlineData("/ip4/0.0.0.0/tcp/0/ws", true)]
    [InlineData("/ip6/::1/tcp/0/ws/p2p-webrtc-star", true)]
    [InlineData("/dns4/x/tcp/0/ws", false)]
    [InlineData("/ip4/127.0.0.1/tcp/0/wss", false)]
    public void Listen_addresses(string address, bool valid)
    {
        if (valid)
        {
            Assert.Equal(0, SignalAddress.ToListenEndPoint(Multiaddr.Parse(address)).Port);
        }
        else
        {
            Assert.Throws<SignalException>(() => SignalAddress.ToListenEndPoint(Multiaddr.Parse(address)));
        }
    }
}
