using Casto.Sdk;
using Microsoft.Extensions.Configuration;

namespace Casto.Sdk.Tests;

public sealed class OptionsTests
{
    public static TheoryData<string, string> BadOptions => new()
    {
        { "stream", "Stream must be 1-64 letters" },
        { "children", "MaxChildren must be 0-1000 (got -1)" },
        { "timeout", "JoinTimeout must be positive" },
        { "queue", "FrameQueueCapacity must be 1-4096 (got 0)" },
        { "signal", "SignalServers entry 'not-a-multiaddr' is not a multiaddr" },
        { "bootstrap", "BootstrapPeers entry '/ip4/127.0.0.1/tcp/4001' needs its peer id" },
        { "listen", "ListenAddresses entry '/ip4/127.0.0.1/udp/4001' must be a TCP address" },
        { "upload", "UploadCapKbps must be 0 (no cap) or more (got -5)" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void InvalidOptionsNameTheSetting(string which, string message)
    {
        var options = new CastoOptions();
        switch (which)
        {
            case "stream": options.Stream = "has space"; break;
            case "children": options.MaxChildren = -1; break;
            case "timeout": options.JoinTimeout = TimeSpan.Zero; break;
            case "queue": options.FrameQueueCapacity = 0; break;
            case "signal": options.SignalServers.Add("not-a-multiaddr"); break;
            case "bootstrap": options.BootstrapPeers.Add("/ip4/127.0.0.1/tcp/4001"); break;
            case "listen": options.ListenAddresses.Add("/ip4/127.0.0.1/udp/4001"); break;
            case "upload": options.UploadCapKbps = -5; break;
        }

        var ex = Assert.Throws<CastoException>(() => new CastoClient(options));
        Assert.Equal(CastoError.InvalidOptions, ex.Error);
        Assert.StartsWith("CastoOptions.", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultsWatchTheDefaultStreamOnTheLan()
    {
        var options = new CastoOptions();
        options.Validate();
        Assert.Equal("casto", options.Stream);
        Assert.True(options.Mdns);
        Assert.Equal(2, options.MaxChildren);
        Assert.Equal(TimeSpan.FromSeconds(10), options.JoinTimeout);
        Assert.Empty(options.ListenAddresses);
        Assert.Equal("casto", new CastoClient().Options.Stream);
    }

    [Fact]
    public async Task AViewerWithNoWayToFindTheStreamIsRejected()
    {
        var ex = await Assert.ThrowsAsync<CastoException>(() => new CastoClient(new CastoOptions { Mdns = false }).StartAsync());
        Assert.Equal(CastoError.InvalidOptions, ex.Error);
        Assert.Contains("no way to find the stream", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsBindFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Casto:Stream"] = "show",
            ["Casto:Mdns"] = "false",
            ["Casto:MaxChildren"] = "5",
            ["Casto:JoinTimeout"] = "00:00:03",
            ["Casto:SignalServers:0"] = "/ip4/10.0.0.1/tcp/9090/ws",
            ["Casto:ListenAddresses:0"] = "/ip4/127.0.0.1/tcp/0",
        }).Build();
        var options = new CastoOptions();
        configuration.GetSection("Casto").Bind(options);
        options.Validate();
        Assert.Equal("show", options.Stream);
        Assert.False(options.Mdns);
        Assert.Equal(5, options.MaxChildren);
        Assert.Equal(TimeSpan.FromSeconds(3), options.JoinTimeout);
        Assert.Equal(["/ip4/10.0.0.1/tcp/9090/ws"], options.SignalServers);
        Assert.Equal(["/ip4/127.0.0.1/tcp/0"], options.ListenAddresses);
    }
}
