using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Turn;

namespace Casto.WebRtc.Tests.Turn;

/// <summary>The TURN client against a real coturn on loopback. A missing coturn fails them (./test.sh installs it).</summary>
public sealed class TurnClientCoturnTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static TurnClientOptions Options(CoturnServer server, string password = CoturnServer.Password) => new()
    {
        Server = server.EndPoint,
        Username = CoturnServer.User,
        Password = password,
        LocalAddress = IPAddress.Loopback,
    };

    [Fact]
    public async Task Allocates_refreshes_relays_both_ways_through_indications_and_channels()
    {
        await using var server = await CoturnServer.StartAsync();

        var received = new ConcurrentQueue<(byte[] Data, IPEndPoint From)>();
        await using var client = await TurnClient.AllocateAsync(Options(server), (data, from) =>
            received.Enqueue((data.ToArray(), (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(from))));
        Assert.Equal(IPAddress.Loopback, client.RelayedAddress.Address);
        Assert.NotEqual(server.EndPoint.Port, client.RelayedAddress.Port);
        Assert.Equal(client.LocalEndPoint, client.MappedAddress);
        Assert.Equal(TimeSpan.FromSeconds(600), client.Lifetime);

        Assert.Equal(TimeSpan.FromSeconds(1200), await client.RefreshAsync(TimeSpan.FromSeconds(1200)));
        Assert.Equal(1, client.Refreshes);

        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        await client.CreatePermissionAsync(peerEndPoint.Address);

        // Send indication out, Data indication back.
        Assert.True(client.Send("via-indication"u8, peerEndPoint));
        var (data, from) = await ReceiveAsync(peer);
        Assert.Equal("via-indication", System.Text.Encoding.ASCII.GetString(data));
        Assert.Equal(client.RelayedAddress, from);
        await peer.SendToAsync("reply-1"u8.ToArray(), client.RelayedAddress);
        var reply = await DequeueAsync(received);
        Assert.Equal("reply-1", System.Text.Encoding.ASCII.GetString(reply.Data));
        Assert.Equal(peerEndPoint, reply.From);

        // ChannelData both ways once the channel is bound.
        var channel = await client.BindChannelAsync(peerEndPoint);
        Assert.InRange(channel, TurnChannelData.MinChannel, TurnChannelData.MaxChannel);
        Assert.True(client.HasChannel(peerEndPoint));
        var big = new byte[1200];
        Random.Shared.NextBytes(big);
        Assert.True(client.Send(big, peerEndPoint));
        (data, from) = await ReceiveAsync(peer);
        Assert.Equal(big, data);
        Assert.Equal(client.RelayedAddress, from);
        await peer.SendToAsync("reply-2"u8.ToArray(), client.RelayedAddress);
        reply = await DequeueAsync(received);
        Assert.Equal("reply-2", System.Text.Encoding.ASCII.GetString(reply.Data));
        Assert.Equal(peerEndPoint, reply.From);
        Assert.Equal(2, client.Received);
        Assert.Equal(0, client.BackgroundFailures);
    }

    [Fact]
    public async Task Wrong_password_is_a_typed_unauthorized_error()
    {
        await using var server = await CoturnServer.StartAsync();

        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(Options(server, "wrong")));
        Assert.Equal(TurnError.Unauthorized, ex.Error);
        Assert.Equal(401, ex.StunCode);
    }

    [Fact]
    public async Task Unanswered_requests_time_out_with_a_typed_error()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var options = new TurnClientOptions
        {
            Server = (IPEndPoint)silent.LocalEndPoint!,
            Username = "u",
            Password = "p",
            RetransmitTimeout = TimeSpan.FromMilliseconds(10),
            MaxTransmissions = 3,
        };
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(options));
        Assert.Equal(TurnError.Timeout, ex.Error);
    }

    [Fact]
    public async Task Stale_nonce_is_retried_transparently()
    {
        await using var server = await CoturnServer.StartAsync("--stale-nonce=1");

        await using var client = await TurnClient.AllocateAsync(Options(server));
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the nonce is now stale: the next request gets 438 first
        Assert.Equal(TimeSpan.FromSeconds(600), await client.RefreshAsync());
        await client.CreatePermissionAsync(IPAddress.Loopback);
        Assert.True(client.StaleNonces >= 1);
    }

    [Fact]
    public async Task Timer_refreshes_allocation_permissions_and_channels_before_they_expire()
    {
        await using var server = await CoturnServer.StartAsync();

        var clock = new ManualTimeProvider();
        var options = Options(server);
        options.TimeProvider = clock;
        await using var client = await TurnClient.AllocateAsync(options);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await client.BindChannelAsync((IPEndPoint)peer.LocalEndPoint!);
        var before = client.Transactions;

        // Fake seconds one at a time with a little real time in between, so answers arrive before retransmission timers fire.
        await AdvanceAsync(clock, TimeSpan.FromSeconds(241)); // permission (240 s)
        Assert.True(await UntilAsync(() => client.Transactions >= before + 1));
        Assert.Equal(0, client.Refreshes);
        await AdvanceAsync(clock, TimeSpan.FromSeconds(300)); // allocation (600 − 60 s) and channel (540 s)
        Assert.True(await UntilAsync(() => client.Refreshes == 1 && client.Transactions >= before + 3));
        Assert.Equal(0, client.BackgroundFailures);
    }

    [Fact]
    public async Task Allocation_is_reported_lost_when_refreshes_go_unanswered_until_it_expires()
    {
        var server = await CoturnServer.StartAsync();

        var clock = new ManualTimeProvider();
        var options = Options(server);
        options.TimeProvider = clock;
        options.DeallocateTimeout = TimeSpan.Zero;
        await using var client = await TurnClient.AllocateAsync(options);
        TurnException? lost = null;
        client.AllocationLost += (_, ex) => lost = ex;
        await server.DisposeAsync(); // the server vanishes

        await AdvanceAsync(clock, TimeSpan.FromSeconds(560)); // refresh due at 540 s: unanswered, retried, still within the lifetime
        Assert.False(client.IsLost);
        await AdvanceAsync(clock, TimeSpan.FromSeconds(80)); // past the 600 s lifetime
        Assert.True(await UntilAsync(() => client.IsLost));
        Assert.Equal(TurnError.Timeout, lost!.Error);
    }

    [Fact]
    public async Task Dispose_deallocates()
    {
        await using var server = await CoturnServer.StartAsync();

        var client = await TurnClient.AllocateAsync(Options(server));
        var transactions = client.Transactions;
        await client.DisposeAsync();
        Assert.Equal(transactions + 1, client.Transactions); // the Refresh with LIFETIME 0 was answered
        Assert.False(client.Send([1], new IPEndPoint(IPAddress.Loopback, 9)));
    }

    private static async Task AdvanceAsync(ManualTimeProvider clock, TimeSpan by)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(1))
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(2);
        }
    }

    internal static async Task<bool> UntilAsync(Func<bool> condition)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > Timeout)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    private static async Task<(byte[] Data, IPEndPoint From)> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[2048];
        using var cts = new CancellationTokenSource(Timeout);
        var result = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cts.Token);
        return (buffer.AsSpan(0, result.ReceivedBytes).ToArray(), (IPEndPoint)result.RemoteEndPoint);
    }

    private static async Task<(byte[] Data, IPEndPoint From)> DequeueAsync(ConcurrentQueue<(byte[] Data, IPEndPoint From)> queue)
    {
        Assert.True(await UntilAsync(() => !queue.IsEmpty));
        Assert.True(queue.TryDequeue(out var item));
        return item;
    }
}
