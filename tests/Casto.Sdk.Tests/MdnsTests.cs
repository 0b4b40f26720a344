using Casto.Sdk;

namespace Casto.Sdk.Tests;

/// <summary>Discovery with mDNS alone (no seeds, no server), both peers in this process.</summary>
public sealed class MdnsTests
{
    [Fact]
    public async Task AViewerFindsAPublisherWithMdnsAlone()
    {
        using var cts = Loopback.Timeout();
        string stream = $"lan-{Guid.NewGuid():n}"[..20]; // never another run's stream
        var publisherOptions = Loopback.Options(stream);
        publisherOptions.Mdns = true;
        publisherOptions.MdnsInterface = "lo"; // multicast stays on this machine
        await using var publisher = await new CastoClient(publisherOptions).PublishAsync(CastoSource.BuiltInClip, cts.Token);

        var options = Loopback.Options(stream);
        options.Mdns = true; // and no bootstrap peers or signal servers
        options.MdnsInterface = "lo";
        await using var media = await new CastoClient(options).StartAsync(cts.Token);

        Assert.Equal(publisher.PeerId, media.Stats.Parent);
        Assert.True(media.Stats.Frames > 0);
    }

    [Fact]
    public async Task AnUnknownMdnsInterfaceIsMdnsFailed()
    {
        var options = Loopback.Options("mdns-bad");
        (options.Mdns, options.MdnsInterface) = (true, "no-such-interface0");
        var ex = await Assert.ThrowsAsync<CastoException>(() => new CastoClient(options).StartAsync());
        Assert.Equal(CastoError.MdnsFailed, ex.Error);
        Assert.Contains("no-such-interface0", ex.Message, StringComparison.Ordinal);
    }
}
