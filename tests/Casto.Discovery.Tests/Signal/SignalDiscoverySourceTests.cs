using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using static Casto.Discovery.Tests.Signal.SignalServerTests;

namespace Casto.Discovery.Tests.Signal;

public sealed class SignalDiscoverySourceTests
{
    [Fact]
    public async Task Members_are_found_with_their_addresses_and_lost_when_they_leave()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var earlyKey = PrivateKey.Generate();
        using var lateKey = PrivateKey.Generate();
        using var selfKey = PrivateKey.Generate();
        await using var early = await SignalClient.ConnectAsync(server.Addresses[0], earlyKey);
        await early.JoinAsync("live", [Multiaddr.Parse("/ip4/10.0.0.1/udp/9/webrtc-direct")]);

        await using var discovery = new PeerDiscovery();
        var events = discovery.Subscribe();
        await discovery.AddAsync(new SignalDiscoverySource(selfKey, new SignalDiscoveryOptions
        {
            Server = server.Addresses[0], Room = "live", Addrs = [Multiaddr.Parse("/ip4/10.0.0.3/tcp/1")],
        }));
        await discovery.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        var found = await events.ReadAsync(cts.Token);
        Assert.Equal((DiscoveryEventKind.Found, "signal", earlyKey.PeerId), (found.Kind, found.Source, found.PeerId));
        Assert.Equal("/ip4/10.0.0.1/udp/9/webrtc-direct", Assert.Single(found.Addrs).ToString());

        await using var late = await SignalClient.ConnectAsync(server.Addresses[0], lateKey);
        var members = await late.JoinAsync("live", [Multiaddr.Parse("/ip4/10.0.0.2/tcp/2")]);
        Assert.Contains(members, m => m.PeerId == selfKey.PeerId && m.Addrs.Single().ToString() == "/ip4/10.0.0.3/tcp/1");
        var foundLate = await events.ReadAsync(cts.Token);
        Assert.Equal((DiscoveryEventKind.Found, lateKey.PeerId), (foundLate.Kind, foundLate.PeerId));

        await early.DisposeAsync();
        var lost = await events.ReadAsync(cts.Token);
        Assert.Equal((DiscoveryEventKind.Lost, earlyKey.PeerId), (lost.Kind, lost.PeerId));

        // The server going away loses every member the source still knew.
        await server.DisposeAsync();
        var lostLate = await events.ReadAsync(cts.Token);
        Assert.Equal((DiscoveryEventKind.Lost, lateKey.PeerId), (lostLate.Kind, lostLate.PeerId));
    }
}
