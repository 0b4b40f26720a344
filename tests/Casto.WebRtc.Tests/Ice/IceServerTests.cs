using Casto.WebRtc.Ice;

namespace Casto.WebRtc.Tests.Ice;

public sealed class IceServerTests
{
    [Theory]
    [InlineData("stun:127.0.0.1:3479", false, "127.0.0.1", 3479)]
    [InlineData("stun:stun.example.org", false, "stun.example.org", 3478)]
    [InlineData("turn:[::1]:5000?transport=udp", true, "::1", 5000)]
    [InlineData("TURN:10.0.0.1", true, "10.0.0.1", 3478)]
    public void Parses_stun_and_udp_turn_urls(string url, bool turn, string host, int port)
    {
        var server = new IceServer(url, "u", "p");
        Assert.Equal(turn, server.IsTurn);
        Assert.Equal(host, server.Host);
        Assert.Equal(port, server.Port);
    }

    [Theory]
    [InlineData("turns:example.org")]
    [InlineData("turn:example.org?transport=tcp")]
    [InlineData("stun:")]
    [InlineData("stun:host:0")]
    [InlineData("stun:host:99999")]
    [InlineData("stun:::1")]
    [InlineData("stun:[::1")]
    [InlineData("http://example.org")]
    public void Refuses_unsupported_or_broken_urls(string url) =>
        Assert.Throws<ArgumentException>(() => new IceServer(url, "u", "p"));

    [Fact]
    public void Turn_needs_credentials() =>
        Assert.Throws<ArgumentException>(() => new IceServer("turn:127.0.0.1"));
}
