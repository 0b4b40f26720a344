using System.Net;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Tcp;

namespace Casto.Stack.Tests.Transports;

/// <summary>Endpoints and multiaddrs convert through their bytes, with no text round trip.</summary>
public class TcpAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", 1, "/ip4/127.0.0.1/tcp/1")]
    [InlineData("10.1.2.3", 65535, "/ip4/10.1.2.3/tcp/65535")]
    [InlineData("::1", 4001, "/ip6/::1/tcp/4001")]
    [InlineData("::ffff:192.168.1.7", 80, "/ip4/192.168.1.7/tcp/80")] // v4-mapped becomes ip4
    [InlineData("fe80::1:2", 443, "/ip6/fe80::1:2/tcp/443")]
    public async Task Endpoint_and_multiaddr_round_trip(string ip, int port, string expected)
    {
        var address = TcpAddress.ToMultiaddr(new IPEndPoint(IPAddress.Parse(ip), port));
        Assert.Equal(expected, address.ToString());
        var endpoint = await TcpAddress.ResolveAsync(Multiaddr.Parse(expected + "/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"), default);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(Multiaddr.Parse(expected).Components[0].Value, endpoint.Address.ToString());
    }
}
