using Casto.Discovery;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests;

public sealed class PeerDiscoveryTests
{
    private static PeerId NewPeer() => PeerId.FromPublicKey(PrivateKey.Generate().PublicKey);

    [Fact]
    public async Task Folds_repeated_sightings_and_reports_lost_once()
    {
        await using var discovery = new PeerDiscovery();
        var events = discovery.Subscribe();
        var peer = NewPeer();
        var addr = Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001");

        discovery.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, "mdns", peer, [addr]));
        discovery.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, "mdns", peer, [addr]));
        discovery.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, "signal", peer, [addr]));
        discovery.Publish(new DiscoveryEvent(DiscoveryEventKind.Lost, "mdns", peer, []));
        discovery.Publish(new DiscoveryEvent(DiscoveryEventKind.Lost, "mdns", peer, []));

        Assert.True(events.TryRead(out var first));
        Assert.Equal(("mdns", DiscoveryEventKind.Found), (first.Source, first.Kind));
        Assert.True(events.TryRead(out var second));
        Assert.Equal("signal", second.Source);
        Assert.True(events.TryRead(out var lost));
        Assert.Equal(DiscoveryEventKind.Lost, lost.Kind);
        Assert.False(events.TryRead(out _));
        Assert.Single(discovery.Peers);
    }

    [Fact]
    public async Task Peer_limit_and_slow_subscribers_are_bounded()
    {
        await using var discovery = new PeerDiscovery(new PeerDiscoveryOptions { MaxPeers = 3, SubscriberCapacity = 2 });
        var events = discovery.Subscribe();
        for (var i = 0; i < 10; i++)
        {
            discovery.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, "mdns", NewPeer(), []));
        }

        Assert.Equal(3, discovery.Peers.Count);
        Assert.Equal(7 + 1, discovery.DroppedEvents); // 7 over the peer limit, 1 pushed out of the 2-slot queue
        Assert.Equal(2, events.Count);
    }
}
