using Casto.Conformance;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Memory;
using Casto.Stack.Transports.Tcp;

namespace Casto.Stack.Tests.Transports;

public sealed class TcpIp4ConformanceTests : TransportConformanceTests
{
    protected override ITransport CreateTransport() => new TcpTransport();

    protected override Multiaddr ListenAddress => Multiaddr.Parse("/ip4/127.0.0.1/tcp/0");

    protected override Multiaddr UnusedAddress => Multiaddr.Parse("/ip4/127.0.0.1/tcp/1");
}

public sealed class TcpIp6ConformanceTests : TransportConformanceTests
{
    protected override ITransport CreateTransport() => new TcpTransport();

    protected override Multiaddr ListenAddress => Multiaddr.Parse("/ip6/::1/tcp/0");

    protected override Multiaddr UnusedAddress => Multiaddr.Parse("/ip6/::1/tcp/1");
}

public sealed class MemoryConformanceTests : TransportConformanceTests
{
    private readonly MemoryNetwork _network = new();

    protected override ITransport CreateTransport() => new MemoryTransport(_network);

    protected override Multiaddr ListenAddress => Multiaddr.Parse("/memory/0");

    protected override Multiaddr UnusedAddress => Multiaddr.Parse("/memory/999999");
}

public class TcpTransportTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/1", true)]
    [InlineData("/ip6/::1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA", true)]
    [InlineData("/dns4/localhost/tcp/1", true)]
    [InlineData("/ip4/127.0.0.1/tcp/1/ws", false)]
    [InlineData("/ip4/127.0.0.1/udp/1", false)]
    [InlineData("/memory/1", false)]
    public void Handles_tcp_addresses_only(string address, bool expected) =>
        Assert.Equal(expected, new TcpTransport().CanHandle(Multiaddr.Parse(address)));

    [Fact]
    public async Task Resolves_dns_names_on_dial()
    {
        var transport = new TcpTransport();
        await using var listener = await transport.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var port = listener.LocalAddress.ValueOf(MultiaddrProtocol.Tcp);
        var dialing = transport.DialAsync(Multiaddr.Parse($"/dns4/localhost/tcp/{port}")).AsTask();
        await using var server = (await listener.AcceptAsync())!;
        await using var client = await dialing;
        Assert.Equal("127.0.0.1", client.RemoteAddress.ValueOf(MultiaddrProtocol.Ip4));
    }

    [Fact]
    public void Options_are_validated() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TcpTransport(new TcpTransportOptions { Backlog = 0 }));
}
