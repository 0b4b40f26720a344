using System.IO.Pipelines;
using Casto.Discovery.Signal;
using Casto.Discovery.Signal.Tunnel;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Ping;
using Casto.Stack.Transports;

namespace Casto.Discovery.Tests.Signal.Tunnel;

public sealed class SignalTransportTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private SignalServer _server = null!;

    private Multiaddr Server => _server.Addresses[0];

    public async Task InitializeAsync() => _server = await SignalServer.StartAsync(null, SignalServerTests.Loopback);

    public async Task DisposeAsync()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    private async Task<(CastoHost Host, SignalTransport Signal)> StartHostAsync(bool tcp, bool star, SignalTransportOptions? options = null)
    {
        var key = PrivateKey.Generate();
        var signal = new SignalTransport(key, options);
        var hostOptions = HostDefaults.Create(key);
        hostOptions.Transports.Add(signal);
        if (tcp)
        {
            hostOptions.ListenAddresses.Add(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        }

        if (star)
        {
            hostOptions.ListenAddresses.Add(Server);
        }

        var host = await CastoHost.StartAsync(hostOptions);
        PingProtocol.Register(host);
        _owned.Add(signal);
        _owned.Add(host);
        return (host, signal);
    }

    [Fact]
    public async Task A_peer_with_no_listening_socket_is_dialled_through_the_server()
    {
        var (hidden, _) = await StartHostAsync(tcp: false, star: true);
        var (dialer, _) = await StartHostAsync(tcp: true, star: false);
        Multiaddr address = Assert.Single(hidden.ListenAddresses);
        Assert.Equal(Server.ToString() + "/p2p/" + hidden.PeerId, address.ToString());

        var connection = await dialer.DialAsync(address);
        Assert.Equal(hidden.PeerId, connection.RemotePeer); // Noise proved it end to end
        Assert.Equal(5, (await PingProtocol.PingAsync(connection, 5)).Count);

        // The other way: the hidden peer dials the dialer's TCP address directly over the same stack.
        var back = await hidden.DialAsync(dialer.ListenAddresses[0]);
        Assert.Single(await PingProtocol.PingAsync(back, 1));
    }

    [Fact]
    public async Task The_peer_store_falls_back_to_the_tunnel_when_a_direct_address_fails()
    {
        var (hidden, _) = await StartHostAsync(tcp: false, star: true);
        var (dialer, _) = await StartHostAsync(tcp: true, star: false);
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop(); // nothing listens there now: the direct dial is refused
        dialer.PeerStore.AddAddresses(hidden.PeerId, [Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{closedPort}"), hidden.ListenAddresses[0]]);
        var connection = await dialer.DialAsync(hidden.PeerId);
        Assert.Equal(hidden.PeerId, connection.RemotePeer);
    }

    [Fact]
    public async Task Dialling_a_peer_not_on_the_server_is_refused_at_once()
    {
        var (dialer, _) = await StartHostAsync(tcp: true, star: false);
        using var stranger = PrivateKey.Generate();
        var error = await Assert.ThrowsAsync<TransportException>(async () => await dialer.DialAsync(Server.Encapsulate("/p2p/" + stranger.PeerId)));
        Assert.Equal(TransportError.ConnectionRefused, error.Error);
    }

    [Fact]
    public async Task Tunnels_over_the_limit_are_refused_and_a_peer_not_listening_refuses()
    {
        var (_, listening) = await StartHostAsync(tcp: false, star: true, new SignalTransportOptions { MaxTunnels = 1 });
        var dialer = new SignalTransport(PrivateKey.Generate());
        _owned.Add(dialer);
        var listenerAddress = (await listening.GetClientAsync(Server)).Tunnels(listening.Options).Local;

        await using var first = await dialer.DialAsync(listenerAddress);
        var refused = await Assert.ThrowsAsync<TransportException>(async () => await dialer.DialAsync(listenerAddress));
        Assert.Equal(TransportError.ConnectionRefused, refused.Error);
        Assert.Contains("too many tunnels", refused.Message);

        // A peer on the server that does not listen for tunnels refuses them.
        var quiet = new SignalTransport(PrivateKey.Generate());
        _owned.Add(quiet);
        var quietAddress = (await quiet.GetClientAsync(Server)).Tunnels(quiet.Options).Local;
        var notListening = await Assert.ThrowsAsync<TransportException>(async () => await dialer.DialAsync(quietAddress));
        Assert.Contains("not listening", notListening.Message);
    }

    [Fact]
    public async Task A_reader_that_falls_too_far_behind_gets_its_tunnel_reset()
    {
        var options = new SignalTransportOptions { MaxBufferedBytes = 64 * 1024, MaxFramePayload = 16 * 1024 };
        var receiver = new SignalTransport(PrivateKey.Generate(), options);
        var sender = new SignalTransport(PrivateKey.Generate());
        _owned.Add(receiver);
        _owned.Add(sender);
        await using var listener = await receiver.ListenAsync(Server);
        var dialling = sender.DialAsync(listener.LocalAddress).AsTask();
        await using var accepted = (await listener.AcceptAsync())!;
        await using var client = await dialling;

        // Nobody reads `accepted`: past 64 KiB it is reset, the sender's writes fail and the reset is counted.
        var failed = await Record.ExceptionAsync(async () =>
        {
            for (int i = 0; i < 64; i++)
            {
                await client.Transport.Output.WriteAsync(new byte[16 * 1024]);
                await Task.Delay(5);
            }

            await client.Transport.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        });
        Assert.IsAssignableFrom<IOException>(failed is InvalidOperationException ? failed.InnerException ?? new IOException() : failed);
        var tunnels = (await receiver.GetClientAsync(Server)).Tunnels(options);
        Assert.Equal(1, tunnels.Overflows);
        await WaitUntilAsync(() => tunnels.Count == 0);
    }

    [Fact]
    public async Task Garbage_tunnel_frames_are_dropped_and_the_client_keeps_working()
    {
        var (hidden, signal) = await StartHostAsync(tcp: false, star: true);
        using var key = PrivateKey.Generate();
        await using var raw = await SignalClient.ConnectAsync(Server, key);
        var tunnels = (await signal.GetClientAsync(Server)).Tunnels(signal.Options);
        string[] garbage =
        [
            Convert.ToBase64String([0xCA, 0x03, 0x07, 0x41]),       // data for no tunnel
            Convert.ToBase64String([0xCA, 0x7F, 0x01]),             // unknown type
            Convert.ToBase64String([0xCA, 0x83, 0x01, 0x41]),       // data from an "opener" of nothing
            Convert.ToBase64String([0xCA, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), // id too large
            "y!not base64",                                          // starts like a frame, is not one
        ];
        foreach (string data in garbage)
        {
            await raw.SendAsync(hidden.PeerId, SignalKind.Opaque, data);
        }

        await WaitUntilAsync(() => tunnels.Dropped >= 4);
        var (dialer, _) = await StartHostAsync(tcp: true, star: false);
        Assert.Single(await PingProtocol.PingAsync(await dialer.DialAsync(hidden.ListenAddresses[0]), 1));
    }

    [Fact]
    public async Task Other_opaque_signals_still_reach_the_events()
    {
        var (hidden, signal) = await StartHostAsync(tcp: false, star: true);
        using var key = PrivateKey.Generate();
        await using var raw = await SignalClient.ConnectAsync(Server, key);
        await raw.SendAsync(hidden.PeerId, SignalKind.Opaque, Convert.ToBase64String("hello"u8));
        var client = await signal.GetClientAsync(Server);
        var e = await SignalServerTests.NextAsync(client, e => e.Kind == SignalEventKind.Signal);
        Assert.Equal(Convert.ToBase64String("hello"u8), e.Data);
    }

    [Fact]
    public async Task When_the_server_goes_its_tunnels_close_and_the_listener_ends()
    {
        var listening = new SignalTransport(PrivateKey.Generate());
        var dialer = new SignalTransport(PrivateKey.Generate());
        _owned.Add(listening);
        _owned.Add(dialer);
        await using var listener = await listening.ListenAsync(Server);
        var dialling = dialer.DialAsync(listener.LocalAddress).AsTask();
        await using var accepted = (await listener.AcceptAsync())!;
        await using var client = await dialling;
        var nextAccept = listener.AcceptAsync().AsTask();

        await _server.DisposeAsync();
        Assert.Null(await nextAccept.WaitAsync(TimeSpan.FromSeconds(10)));
        var closed = new TaskCompletionSource();
        using var registration = accepted.Closed.Register(() => closed.TrySetResult());
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<Exception>(async () => await accepted.Transport.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        _server = await SignalServer.StartAsync(null, SignalServerTests.Loopback); // for DisposeAsync
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalTransportOptions { MaxTunnels = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalTransportOptions { MaxFramePayload = 64 * 1024 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalTransportOptions { MaxBufferedBytes = 10 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalTransportOptions { OpenTimeout = TimeSpan.Zero }.Validate());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
