using System.Net.WebSockets;
using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using static Casto.Discovery.Tests.Signal.SignalServerTests;

namespace Casto.Discovery.Tests.Signal;

public sealed class SignalAbuseTests
{
    [Fact]
    public async Task Bad_signature_is_refused_and_closed()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var key = PrivateKey.Generate();
        await using var peer = await RawPeer.ConnectAsync(server.Addresses[0]);
        var forged = SignalAuth.Register(key, peer.Challenge.Nonce!, "/ip4/6.6.6.6/tcp/1/ws/p2p-webrtc-star");
        await peer.SendAsync(forged);
        Assert.Equal([SignalError.BadSignature], await peer.ReadErrorsUntilClosedAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, peer.CloseStatus);
        Assert.Equal(0, server.PeerCount);
    }

    [Fact]
    public async Task Claiming_another_peer_id_is_refused()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var key = PrivateKey.Generate();
        using var victim = PrivateKey.Generate();
        await using var peer = await RawPeer.ConnectAsync(server.Addresses[0]);
        var register = peer.RegisterMessage(key);
        await peer.SendAsync(new SignalMessage
        {
            Type = SignalMessageType.Register, Nonce = register.Nonce, PeerId = victim.PeerId.ToString(),
            PublicKey = register.PublicKey, Signature = register.Signature,
        });
        Assert.Equal([SignalError.PeerIdMismatch], await peer.ReadErrorsUntilClosedAsync());
    }

    [Fact]
    public async Task Garbage_keys_are_refused()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        await using var peer = await RawPeer.ConnectAsync(server.Addresses[0]);
        await peer.SendAsync(new SignalMessage
        {
            Type = SignalMessageType.Register, Nonce = peer.Challenge.Nonce, PeerId = "x", PublicKey = "CAES", Signature = "!!",
        });
        Assert.Equal([SignalError.BadKey], await peer.ReadErrorsUntilClosedAsync());
    }

    [Fact]
    public async Task Unsigned_registration_is_refused()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var key = PrivateKey.Generate();
        await using var peer = await RawPeer.ConnectAsync(server.Addresses[0]);
        var register = peer.RegisterMessage(key);
        await peer.SendAsync(new SignalMessage { Type = SignalMessageType.Register, Nonce = register.Nonce, PeerId = register.PeerId, PublicKey = register.PublicKey });
        Assert.Equal([SignalError.BadMessage], await peer.ReadErrorsUntilClosedAsync());
        Assert.Equal(0, server.PeerCount);
    }

    [Fact]
    public async Task Replayed_registration_is_refused()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var key = PrivateKey.Generate();
        await using var first = await RawPeer.ConnectAsync(server.Addresses[0]);
        var register = first.RegisterMessage(key);
        await first.SendAsync(register);
        Assert.Equal(SignalMessageType.Registered, (await first.ReadAsync())!.Type);

        // The same (valid) registration again on this connection: already registered, nonce used.
        await first.SendAsync(register);
        Assert.Equal(SignalError.AlreadyRegistered, (await first.ReadAsync())!.Code);

        // Replayed on a new connection: that connection was given another nonce.
        await using var replay = await RawPeer.ConnectAsync(server.Addresses[0]);
        Assert.NotEqual(register.Nonce, replay.Challenge.Nonce);
        await replay.SendAsync(register);
        Assert.Equal([SignalError.BadNonce], await replay.ReadErrorsUntilClosedAsync());

        // A wrong nonce uses up the connection's own: a retry with the right one is refused as well.
        await using var retry = await RawPeer.ConnectAsync(server.Addresses[0]);
        await retry.SendAsync(new SignalMessage { Type = SignalMessageType.Register, Nonce = "AAAA", PeerId = "x", PublicKey = "x", Signature = "x" });
        Assert.Equal([SignalError.BadNonce], await retry.ReadErrorsUntilClosedAsync());
        Assert.Equal(1, server.PeerCount);
    }

    [Fact]
    public async Task Expired_challenge_is_refused()
    {
        var time = new ManualTimeProvider();
        var options = new SignalServerOptions { TimeProvider = time, AuthTimeout = TimeSpan.FromSeconds(10), HeartbeatInterval = TimeSpan.FromHours(1), HeartbeatTimeout = TimeSpan.FromHours(2) };
        await using var server = await SignalServer.StartAsync(options, Loopback);
        using var key = PrivateKey.Generate();
        await using var peer = await RawPeer.ConnectAsync(server.Addresses[0]);
        time.Advance(TimeSpan.FromSeconds(11));
        await peer.SendAsync(peer.RegisterMessage(key));
        Assert.Equal([SignalError.ChallengeExpired], await peer.ReadErrorsUntilClosedAsync());
    }

    [Fact]
    public async Task Silent_unregistered_connection_is_closed_after_the_auth_timeout()
    {
        var time = new ManualTimeProvider();
        var options = new SignalServerOptions { TimeProvider = time, AuthTimeout = TimeSpan.FromSeconds(10), HeartbeatInterval = TimeSpan.FromSeconds(1) };
        await using var server = await SignalServer.StartAsync(options, Loopback);
        await using var peer = await RawPeer.ConnectAsync(server.Addresses[0]);
        await peer.SendAsync(new SignalMessage { Type = SignalMessageType.Join, Id = 1, Room = "r" });
        Assert.Equal(SignalError.NotRegistered, (await peer.ReadAsync())!.Code);
        time.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal([SignalError.AuthTimeout], await peer.ReadErrorsUntilClosedAsync());
    }

    [Fact]
    public async Task Pending_connections_are_bounded()
    {
        await using var server = await SignalServer.StartAsync(new SignalServerOptions { MaxPendingConnections = 2 }, Loopback);
        await using var a = await RawPeer.ConnectAsync(server.Addresses[0]);
        await using var b = await RawPeer.ConnectAsync(server.Addresses[0]);
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => RawPeer.ConnectAsync(server.Addresses[0]));
        Assert.Contains("503", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_per_address_are_bounded_and_freed_on_close()
    {
        await using var server = await SignalServer.StartAsync(new SignalServerOptions { MaxConnectionsPerAddress = 2 }, Loopback);
        using var k1 = PrivateKey.Generate();
        await using var registered = await SignalClient.ConnectAsync(server.Addresses[0], k1);
        var pending = await RawPeer.ConnectAsync(server.Addresses[0]);
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => RawPeer.ConnectAsync(server.Addresses[0]));
        Assert.Contains("429", refused.Message, StringComparison.Ordinal);

        await pending.DisposeAsync(); // its slot is free again once the server has seen it go
        await using var next = await RetryAsync(() => RawPeer.ConnectAsync(server.Addresses[0]));
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> attempt)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (WebSocketException) when (i < 50)
            {
                await Task.Delay(20);
            }
        }
    }

    [Fact]
    public async Task Peer_and_room_limits_are_enforced()
    {
        var options = new SignalServerOptions { MaxPeers = 2, MaxRoomsPerPeer = 2, MaxPeersPerRoom = 1 };
        await using var server = await SignalServer.StartAsync(options, Loopback);
        using var k1 = PrivateKey.Generate();
        using var k2 = PrivateKey.Generate();
        using var k3 = PrivateKey.Generate();
        await using var c1 = await SignalClient.ConnectAsync(server.Addresses[0], k1);
        await using var c2 = await SignalClient.ConnectAsync(server.Addresses[0], k2);
        var full = await Assert.ThrowsAsync<SignalException>(() => SignalClient.ConnectAsync(server.Addresses[0], k3));
        Assert.Equal(SignalError.ServerFull, full.Error);

        await c1.JoinAsync("a");
        await c1.JoinAsync("b");
        Assert.Equal(SignalError.RoomLimit, (await Assert.ThrowsAsync<SignalException>(() => c1.JoinAsync("c"))).Error);
        Assert.Equal(SignalError.RoomFull, (await Assert.ThrowsAsync<SignalException>(() => c2.JoinAsync("a"))).Error);
        Assert.Equal(SignalError.BadRoom, (await Assert.ThrowsAsync<SignalException>(() => c2.JoinAsync(""))).Error);
        Assert.Equal(SignalError.BadRoom, (await Assert.ThrowsAsync<SignalException>(() => c2.JoinAsync(new string('x', 300)))).Error);
        Assert.Equal(SignalError.BadRoom, (await Assert.ThrowsAsync<SignalException>(() => c2.JoinAsync("a\nb"))).Error);
        Multiaddr[] bulky = [.. Enumerable.Range(0, 16).Select(i => Multiaddr.Parse($"/dns4/{new string('h', 70)}{i}.example/tcp/1"))];
        Assert.Equal(SignalError.BadAddress, (await Assert.ThrowsAsync<SignalException>(() => c2.JoinAsync("d", bulky))).Error);
    }

    [Fact]
    public async Task A_peer_that_does_not_read_is_closed_as_a_slow_consumer()
    {
        var options = new SignalServerOptions
        {
            MaxMessageBytes = 16 * 1024, MaxPayloadBytes = 8 * 1024, MaxQueuedBytes = 64 * 1024,
            MessagesPerSecond = 1e6, MessageBurst = 1_000_000,
        };
        await using var server = await SignalServer.StartAsync(options, Loopback);
        using var senderKey = PrivateKey.Generate();
        using var stuckKey = PrivateKey.Generate();
        await using var sender = await SignalClient.ConnectAsync(server.Addresses[0], senderKey);
        await using var stuck = await RawPeer.ConnectAsync(server.Addresses[0]);
        await stuck.SendAsync(stuck.RegisterMessage(stuckKey));
        Assert.Equal(SignalMessageType.Registered, (await stuck.ReadAsync())!.Type);

        // The stuck peer never reads again: socket buffers fill, then the server's bounded queue, then it is dropped.
        var data = new string('d', 8 * 1024);
        SignalException? gone = null;
        for (var i = 0; i < 20_000 && gone is null; i++)
        {
            try
            {
                await sender.SendAsync(stuckKey.PeerId, SignalKind.Opaque, data);
            }
            catch (SignalException ex)
            {
                gone = ex;
            }
        }

        Assert.Equal(SignalError.UnknownPeer, gone?.Error);
        Assert.Equal(1, server.PeerCount);
    }

    [Fact]
    public async Task Oversize_frames_close_and_oversize_payloads_are_refused()
    {
        var options = new SignalServerOptions { MaxMessageBytes = 16 * 1024, MaxPayloadBytes = 8 * 1024 };
        await using var server = await SignalServer.StartAsync(options, Loopback);
        using var k1 = PrivateKey.Generate();
        using var k2 = PrivateKey.Generate();
        await using var c1 = await SignalClient.ConnectAsync(server.Addresses[0], k1);
        await using var c2 = await SignalClient.ConnectAsync(server.Addresses[0], k2);
        await c1.SendAsync(k2.PeerId, SignalKind.Opaque, new string('a', 8 * 1024));
        var big = await Assert.ThrowsAsync<SignalException>(() => c1.SendAsync(k2.PeerId, SignalKind.Opaque, new string('a', (8 * 1024) + 1)));
        Assert.Equal(SignalError.PayloadTooLarge, big.Error);

        await using var raw = await RawPeer.ConnectAsync(server.Addresses[0]);
        await raw.SendRawAsync(new byte[(16 * 1024) + 1]);
        Assert.Equal([SignalError.TooLarge], await raw.ReadErrorsUntilClosedAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, raw.CloseStatus);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"type\":\"launch-missiles\"}")]
    [InlineData("{\"type\":\"join\",\"id\":-1}")]
    [InlineData("{\"type\":\"join\"} trailing")]
    [InlineData("{\"type\":\"registered\"}")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}")]
    public async Task Garbage_closes_the_connection_cleanly(string text)
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        await using var peer = await RawPeer.ConnectAsync(server.Addresses[0]);
        await peer.SendTextAsync(text);
        Assert.Equal([SignalError.BadMessage], await peer.ReadErrorsUntilClosedAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, peer.CloseStatus);
    }

    [Fact]
    public async Task Plain_http_requests_get_426()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var http = new HttpClient();
        var response = await http.GetAsync(SignalAddress.ToUri(server.Addresses[0]).ToString().Replace("ws://", "http://", StringComparison.Ordinal));
        Assert.Equal(426, (int)response.StatusCode);
    }

    [Fact]
    public async Task Binary_frames_close_the_connection()
    {
        await using var server = await SignalServer.StartAsync(null, Loopback);
        await using var peer = await RawPeer.ConnectAsync(server.Addresses[0]);
        await peer.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary);
        Assert.Equal([SignalError.BadMessage], await peer.ReadErrorsUntilClosedAsync());
    }

    [Fact]
    public async Task A_flood_is_rate_limited_then_closed_and_others_keep_working()
    {
        var options = new SignalServerOptions { MessagesPerSecond = 10, MessageBurst = 20, MaxRateStrikes = 50 };
        await using var server = await SignalServer.StartAsync(options, Loopback);
        using var key = PrivateKey.Generate();
        using var other = PrivateKey.Generate();
        await using var bystander = await SignalClient.ConnectAsync(server.Addresses[0], other);
        await using var flooder = await RawPeer.ConnectAsync(server.Addresses[0]);
        await flooder.SendAsync(flooder.RegisterMessage(key));
        Assert.Equal(SignalMessageType.Registered, (await flooder.ReadAsync())!.Type);
        var ping = SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Ping });
        var reading = flooder.ReadErrorsUntilClosedAsync(); // drain while flooding
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                await flooder.SendRawAsync(ping);
            }
        }
        catch (WebSocketException)
        {
            // The server closed while we were still flooding.
        }

        var errors = await reading;

        Assert.True(errors.Count <= 51, $"{errors.Count} errors");
        Assert.All(errors, e => Assert.Equal(SignalError.RateLimited, e));
        Assert.True(errors.Count > 0);
        await bystander.JoinAsync("still-works");
        Assert.Equal(1, server.PeerCount);
    }
}
