using Casto.Stack.Hosting;
using Casto.Stack.Protocols.Ping;

namespace Casto.Stack.Tests.Hosting;

/// <summary>The host's connection manager: watermarks, grace period, idle timeout, protection (manual clock, memory transport).</summary>
public sealed class ConnectionManagerTests : IAsyncLifetime
{
    private readonly ManagedHosts _hosts = new();
    private readonly ManualTimeProvider _clock = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Above_high_water_it_trims_to_low_water_idle_and_longest_unused_first()
    {
        var server = await _hosts.StartAsync(o => (o.ConnectionManager.LowWater, o.ConnectionManager.HighWater, o.ConnectionManager.IdleTimeout, o.ConnectionManager.CheckInterval)
            = (4, 6, null, TimeSpan.FromHours(1)), _clock);
        var clients = new List<CastoHost>();
        var seen = new List<PeerConnection>();
        for (var i = 0; i < 6; i++) // c0 protected, c1 busy, c2..c5 idle, used last at 0, 5, 10, 15 s
        {
            var client = await _hosts.StartAsync();
            clients.Add(client);
            await client.DialAsync(server.ListenAddresses[0]);
            seen.Add(await ManagedHosts.ConnectionAsync(server, client.PeerId));
        }

        server.Protect(clients[0].PeerId, "test");
        var busy = await clients[1].FindConnection(server.PeerId)!.NewStreamAsync(TestProtocols.Echo);
        await ManagedHosts.UntilAsync(() => seen[1].OpenStreams == 1 && seen.Where((_, i) => i != 1).All(c => c.OpenStreams == 0), "streams did not settle");
        for (var i = 3; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            await PingProtocol.PingAsync(clients[i].FindConnection(server.PeerId)!, 1);
            var connection = seen[i];
            await ManagedHosts.UntilAsync(() => connection.OpenStreams == 0, "the ping stream stayed open");
        }

        _clock.Advance(TimeSpan.FromSeconds(10)); // 25 s: all six are past the 20 s grace period
        Assert.Equal(0, server.TrimmedConnections);
        var late = await _hosts.StartAsync();
        await late.DialAsync(server.ListenAddresses[0]); // seven > 6: trim to 4, keeping the new one (in grace)

        // The server registers the connection (and trims) on its own inbound path, possibly after our dial returned.
        await ManagedHosts.UntilAsync(() => server.TrimmedConnections >= 3, $"trimmed {server.TrimmedConnections}");
        Assert.Equal(3, server.TrimmedConnections);
        Assert.True(seen[2].IsClosing && seen[3].IsClosing && seen[4].IsClosing);
        await ManagedHosts.UntilAsync(() => server.Connections.Count == 4, $"{server.Connections.Count} connections left");
        var kept = server.Connections.Select(c => c.RemotePeer).ToHashSet();
        Assert.True(kept.SetEquals([clients[0].PeerId, clients[1].PeerId, clients[5].PeerId, late.PeerId]));

        // The busy connection's stream was not touched: it still echoes.
        var (_, length) = await TestProtocols.EchoAsync(busy, new byte[1000]);
        Assert.Equal(1000, length);
    }

    [Fact]
    public async Task An_idle_connection_closes_after_the_idle_timeout_one_with_an_open_stream_does_not()
    {
        var server = await _hosts.StartAsync(o => (o.ConnectionManager.GracePeriod, o.ConnectionManager.IdleTimeout, o.ConnectionManager.CheckInterval)
            = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5)), _clock);
        var idle = await _hosts.StartAsync();
        var inbound = await _hosts.StartAsync();
        var outbound = await _hosts.StartAsync();
        await idle.DialAsync(server.ListenAddresses[0]);
        var inboundStream = await (await inbound.DialAsync(server.ListenAddresses[0])).NewStreamAsync(TestProtocols.Echo);
        var outboundStream = await server.NewStreamAsync(outbound.ListenAddresses[0], TestProtocols.Echo);
        var idleAtServer = await ManagedHosts.ConnectionAsync(server, idle.PeerId);
        var inboundAtServer = await ManagedHosts.ConnectionAsync(server, inbound.PeerId);
        await ManagedHosts.UntilAsync(() => idleAtServer.OpenStreams == 0 && inboundAtServer.OpenStreams == 1, "streams did not settle");
        Assert.Equal(1, outboundStream.Connection.OpenStreams);

        _clock.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal(0, server.TrimmedConnections);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, server.TrimmedConnections);
        await ManagedHosts.UntilAsync(() => idle.Connections.Count == 0, "the idle connection stayed open at the remote");
        Assert.False(inboundAtServer.IsClosing || outboundStream.Connection.IsClosing);

        // Once their streams end, the other two become idle and go a minute later.
        var (_, length) = await TestProtocols.EchoAsync(inboundStream, new byte[100]);
        Assert.Equal(100, length);
        await TestProtocols.EchoAsync(outboundStream, new byte[100]);
        await outboundStream.Stream.DisposeAsync();
        await ManagedHosts.UntilAsync(() => inboundAtServer.OpenStreams == 0 && outboundStream.Connection.OpenStreams == 0, "streams did not end");
        _clock.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal(1, server.TrimmedConnections);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, server.TrimmedConnections);
        await ManagedHosts.UntilAsync(() => server.Connections.Count == 0, "connections stayed open");
    }

    [Fact]
    public async Task A_protected_connection_survives_until_unprotected()
    {
        var server = await _hosts.StartAsync(o => (o.ConnectionManager.GracePeriod, o.ConnectionManager.IdleTimeout, o.ConnectionManager.CheckInterval)
            = (TimeSpan.Zero, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5)), _clock);
        var client = await _hosts.StartAsync();
        await client.DialAsync(server.ListenAddresses[0]);
        var connection = await ManagedHosts.ConnectionAsync(server, client.PeerId);
        await ManagedHosts.UntilAsync(() => connection.OpenStreams == 0, "identify did not end");
        server.Protect(client.PeerId, "a");
        server.Protect(client.PeerId, "b");
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(server.Unprotect(client.PeerId, "a")); // still held by "b"
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(connection.IsClosing);
        Assert.False(server.Unprotect(client.PeerId, "b"));
        Assert.False(server.IsProtected(client.PeerId));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(connection.IsClosing);
        Assert.Equal(1, server.TrimmedConnections);
    }

    [Fact]
    public async Task A_go_away_lets_open_streams_finish_and_the_remote_dials_afresh()
    {
        var server = await _hosts.StartAsync(clock: _clock);
        var client = await _hosts.StartAsync();
        var old = await client.DialAsync(server.ListenAddresses[0]);
        var stream = await old.NewStreamAsync(TestProtocols.Echo);
        var atServer = await ManagedHosts.ConnectionAsync(server, client.PeerId);
        await ManagedHosts.UntilAsync(() => atServer.OpenStreams == 1, "the echo stream did not open");

        var closing = atServer.CloseAsync().AsTask(); // what a trim does: go-away, then wait for the streams
        await ManagedHosts.UntilAsync(() => old.IsClosing, "the client did not see the go-away");
        Assert.Null(client.FindConnection(server.PeerId));
        var fresh = await client.DialAsync(server.ListenAddresses[0]);
        Assert.NotSame(old, fresh);
        Assert.False(closing.IsCompleted);

        var (_, length) = await TestProtocols.EchoAsync(stream, new byte[5000]); // the open stream finishes normally
        Assert.Equal(5000, length);
        await stream.Stream.DisposeAsync();
        await closing.WaitAsync(TimeSpan.FromSeconds(10));
        await old.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(await PingProtocol.PingAsync(fresh, 1));
    }
}
