using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Signal;

public sealed class SignalServerTests
{
    internal static readonly Multiaddr Loopback = Multiaddr.Parse("/ip4/127.0.0.1/tcp/0/ws");

    internal static async Task<SignalEvent> NextAsync(SignalClient client, Func<SignalEvent, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var e = await client.Events.ReadAsync(cts.Token);
            if (match is null || match(e))
            {
                return e;
            }
        }
    }

    [Fact]
    public async Task Address_is_a_star_multiaddr()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        var address = Assert.Single(server.Addresses);
        Assert.Matches(@"^/ip4/127\.0\.0\.1/tcp/\d+/ws/p2p-webrtc-star$", address.ToString());
        Assert.NotEqual("0", address.Components[1].Value);
    }

    [Fact]
    public async Task Join_leave_events_and_relay()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        await using var a = await SignalClient.ConnectAsync(server.Addresses[0], keyA);
        await using var b = await SignalClient.ConnectAsync(server.Addresses[0], keyB);
        Assert.Empty(await a.JoinAsync("stream-1", [Multiaddr.Parse("/ip4/10.0.0.1/tcp/4001")]));

        var members = await b.JoinAsync("stream-1", [Multiaddr.Parse("/ip4/10.0.0.2/tcp/4002")]);
        var member = Assert.Single(members);
        Assert.Equal(keyA.PeerId, member.PeerId);
        Assert.Equal("/ip4/10.0.0.1/tcp/4001", Assert.Single(member.Addrs).ToString());

        var joined = await NextAsync(a);
        Assert.Equal((SignalEventKind.PeerJoined, keyB.PeerId, "stream-1"), (joined.Kind, joined.Peer, joined.Room));
        Assert.Equal("/ip4/10.0.0.2/tcp/4002", Assert.Single(joined.Addrs).ToString());

        await b.SendAsync(keyA.PeerId, SignalKind.Offer, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");
        var offer = await NextAsync(a);
        Assert.Equal((SignalEventKind.Signal, keyB.PeerId, SignalKind.Offer), (offer.Kind, offer.Peer, offer.SignalKind));
        Assert.Equal("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", offer.Data);
        await a.SendAsync(keyB.PeerId, SignalKind.Answer, "answer");
        Assert.Equal("answer", (await NextAsync(b)).Data);

        using var stranger = PrivateKey.Generate();
        var unknown = await Assert.ThrowsAsync<SignalException>(() => a.SendAsync(stranger.PeerId, SignalKind.Candidate, "c"));
        Assert.Equal(SignalError.UnknownPeer, unknown.Error);

        await b.LeaveAsync("stream-1");
        var left = await NextAsync(a);
        Assert.Equal((SignalEventKind.PeerLeft, keyB.PeerId), (left.Kind, left.Peer));
        var notIn = await Assert.ThrowsAsync<SignalException>(() => b.LeaveAsync("stream-1"));
        Assert.Equal(SignalError.NotInRoom, notIn.Error);

        await b.JoinAsync("stream-1");
        Assert.Equal(SignalEventKind.PeerJoined, (await NextAsync(a)).Kind);
        await b.DisposeAsync();
        Assert.Equal(SignalEventKind.PeerLeft, (await NextAsync(a)).Kind);
        Assert.Equal(1, server.PeerCount);
    }

    [Fact]
    public async Task Two_hundred_clients_see_each_other_and_relay()
    {
        const int N = 200;
        await using var server = await SignalServer.StartAsync(new SignalServerOptions { MaxPendingConnections = N }, Loopback);
        var keys = Enumerable.Range(0, N).Select(_ => PrivateKey.Generate()).ToArray();
        var clients = await Task.WhenAll(keys.Select(k => SignalClient.ConnectAsync(server.Addresses[0], k)));
        try
        {
            Assert.Equal(N, server.PeerCount);
            for (var i = 0; i < N; i++)
            {
                Assert.Equal(i, (await clients[i].JoinAsync("big")).Count);
            }

            // The first member saw every later join, in order.
            for (var i = 1; i < N; i++)
            {
                var e = await NextAsync(clients[0]);
                Assert.Equal((SignalEventKind.PeerJoined, keys[i].PeerId), (e.Kind, e.Peer));
            }

            await Task.WhenAll(Enumerable.Range(0, N).Select(i => clients[i].SendAsync(keys[(i + 1) % N].PeerId, SignalKind.Opaque, $"to {i + 1}")));
            var received = await Task.WhenAll(Enumerable.Range(0, N).Select(i => NextAsync(clients[i], e => e.Kind == SignalEventKind.Signal)));
            for (var i = 0; i < N; i++)
            {
                Assert.Equal(keys[(i + N - 1) % N].PeerId, received[i].Peer);
            }

            await clients[N - 1].DisposeAsync();
            var left = await NextAsync(clients[0], e => e.Kind == SignalEventKind.PeerLeft);
            Assert.Equal(keys[N - 1].PeerId, left.Peer);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            foreach (var key in keys)
            {
                key.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_second_session_for_a_peer_replaces_the_first()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var key = PrivateKey.Generate();
        using var watcherKey = PrivateKey.Generate();
        await using var watcher = await SignalClient.ConnectAsync(server.Addresses[0], watcherKey);
        await watcher.JoinAsync("r");
        await using var first = await SignalClient.ConnectAsync(server.Addresses[0], key);
        await first.JoinAsync("r");
        Assert.Equal(SignalEventKind.PeerJoined, (await NextAsync(watcher)).Kind);

        await using var second = await SignalClient.ConnectAsync(server.Addresses[0], key);
        await first.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SignalError.Replaced, first.CloseError);
        Assert.Equal(SignalEventKind.PeerLeft, (await NextAsync(watcher)).Kind);
        await second.JoinAsync("r");
        Assert.Equal(SignalEventKind.PeerJoined, (await NextAsync(watcher)).Kind);
        Assert.Equal(2, server.PeerCount);
    }

    [Fact]
    public async Task Dead_peer_is_announced_as_left_within_seconds()
    {
        var options = new SignalServerOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(200), HeartbeatTimeout = TimeSpan.FromMilliseconds(1500) };
        await using var server = await SignalServer.StartAsync(options, Loopback);
        using var liveKey = PrivateKey.Generate();
        using var deadKey = PrivateKey.Generate();
        await using var live = await SignalClient.ConnectAsync(server.Addresses[0], liveKey);
        await using var dead = await SignalClient.ConnectAsync(server.Addresses[0], deadKey, new SignalClientOptions { AnswerPings = false });
        await live.JoinAsync("r");
        await dead.JoinAsync("r");
        Assert.Equal(SignalEventKind.PeerJoined, (await NextAsync(live)).Kind);

        var started = DateTime.UtcNow;
        var left = await NextAsync(live);
        Assert.Equal((SignalEventKind.PeerLeft, deadKey.PeerId), (left.Kind, left.Peer));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        await dead.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SignalError.HeartbeatTimeout, dead.CloseError);

        // The live peer answered every ping and is still there.
        await Task.Delay(2000);
        Assert.Equal(1, server.PeerCount);
    }

    [Fact]
    public async Task Client_drops_a_silent_server()
    {
        var options = new SignalServerOptions { HeartbeatInterval = TimeSpan.FromHours(1), HeartbeatTimeout = TimeSpan.FromHours(2) };
        await using var server = await SignalServer.StartAsync(options, Loopback);
        var time = new ManualTimeProvider();
        using var key = PrivateKey.Generate();
        await using var client = await SignalClient.ConnectAsync(server.Addresses[0], key, new SignalClientOptions { TimeProvider = time });
        time.Advance(TimeSpan.FromHours(2.5));
        Assert.False(client.Completion.IsCompleted);
        time.Advance(TimeSpan.FromHours(1.5)); // 4 h without a ping: more than 3 server heartbeat intervals
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SignalError.HeartbeatTimeout, client.CloseError);
        Assert.False(await client.Events.WaitToReadAsync());
    }
}
