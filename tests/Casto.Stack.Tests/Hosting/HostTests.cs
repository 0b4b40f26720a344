using System.Security.Cryptography;
using Casto.Stack.Connections;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Muxers.Yamux;
using Casto.Stack.Protocols.Identify;
using Casto.Stack.Protocols.Perf;
using Casto.Stack.Protocols.Ping;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Memory;

namespace Casto.Stack.Tests.Hosting;

/// <summary>C# ↔ C# hosts over the in-memory transport with Noise and Yamux.</summary>
public sealed class HostTests : IAsyncLifetime
{
    private readonly MemoryNetwork _network = new();
    private readonly List<CastoHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Hosts_connect_ping_identify_and_echo()
    {
        var (a, _) = await StartAsync();
        var (b, bIdentify) = await StartAsync();
        var connection = await a.DialAsync(b.ListenAddresses[0]);
        Assert.Equal(b.PeerId, connection.RemotePeer);
        Assert.Same(connection, await a.DialAsync(b.ListenAddresses[0])); // reused

        Assert.Equal(3, (await PingProtocol.PingAsync(connection, 3)).Count);
        var info = await bIdentify.IdentifyAsync(b.FindConnection(a.PeerId)!);
        Assert.Contains(PingProtocol.Id, info.Protocols);
        Assert.Contains(a.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p), info.Addresses);

        var context = await connection.NewStreamAsync(TestProtocols.Echo);
        var data = RandomNumberGenerator.GetBytes(1 << 20);
        var (digest, _) = await TestProtocols.EchoAsync(context, data);
        Assert.Equal(SHA256.HashData(data), digest);
    }

    [Fact]
    public async Task Identify_push_updates_the_remote_peer_store()
    {
        var (a, aIdentify) = await StartAsync();
        var (b, bIdentify) = await StartAsync();
        var pushed = new TaskCompletionSource<PeerInfo>();
        var connection = await a.DialAsync(b.ListenAddresses[0]);
        await Task.Delay(200); // let the automatic identify on connect finish first
        aIdentify.Identified += (_, info) =>
        {
            if (info.Protocols.Contains("/casto/new/1.0.0"))
            {
                pushed.TrySetResult(info);
            }
        };
        b.SetStreamHandler("/casto/new/1.0.0", (_, _) => ValueTask.CompletedTask);
        await bIdentify.PushAsync();
        var info = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(b.PeerId, info.Peer);
        Assert.Contains("/casto/new/1.0.0", a.PeerStore.Get(b.PeerId)!.Protocols);
        Assert.Equal(b.PeerId, connection.RemotePeer);
    }

    [Fact]
    public async Task Perf_moves_bytes_both_ways()
    {
        var (a, _) = await StartAsync();
        var (b, _) = await StartAsync();
        var run = await PerfProtocol.RunAsync(await a.DialAsync(b.ListenAddresses[0]), 4 << 20, 8 << 20);
        Assert.Equal((4 << 20, 8 << 20), (run.UploadBytes, run.DownloadBytes));
    }

    [Fact]
    public async Task Dialing_the_wrong_peer_id_fails_clearly()
    {
        var (a, _) = await StartAsync();
        var (b, _) = await StartAsync();
        var wrong = b.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p).WithPeerId(PrivateKey.Generate().PeerId);
        var ex = await Assert.ThrowsAnyAsync<IOException>(() => a.DialAsync(wrong).AsTask());
        Assert.Contains(b.PeerId.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_protocols_are_refused_per_stream()
    {
        var (a, _) = await StartAsync();
        var (b, _) = await StartAsync();
        var connection = await a.DialAsync(b.ListenAddresses[0]);
        var ex = await Assert.ThrowsAsync<HostException>(() => connection.NewStreamAsync("/nope/1.0.0").AsTask());
        Assert.Equal(HostError.ProtocolNotSupported, ex.Error);
        Assert.Single(await PingProtocol.PingAsync(connection, 1));
    }

    [Fact]
    public async Task A_stalled_handshake_times_out_and_frees_its_slot()
    {
        var (b, _) = await StartAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));
        var raw = await new MemoryTransport(_network).DialAsync(b.ListenAddresses[0]);
        await using (raw)
        {
            // Say nothing: the listener must give up and close (cleanly or with a reset).
            try
            {
                var result = await raw.Transport.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                while (!result.IsCompleted)
                {
                    raw.Transport.Input.AdvanceTo(result.Buffer.End);
                    result = await raw.Transport.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (IOException)
            {
            }
        }

        var (a, _) = await StartAsync();
        Assert.Equal(b.PeerId, (await a.DialAsync(b.ListenAddresses[0])).RemotePeer);
    }

    [Fact]
    public async Task Garbage_instead_of_a_handshake_is_dropped()
    {
        var (b, _) = await StartAsync();
        var raw = await new MemoryTransport(_network).DialAsync(b.ListenAddresses[0]);
        await using (raw)
        {
            await raw.Transport.Output.WriteAsync(RandomNumberGenerator.GetBytes(4096));
            await raw.Transport.Output.CompleteAsync();
            var closed = new TaskCompletionSource();
            using var registration = raw.Closed.Register(() => closed.TrySetResult());
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Connection_limit_refuses_extra_inbound_connections()
    {
        var (b, _) = await StartAsync(o => (o.MaxConnections, o.ConnectionManager.LowWater, o.ConnectionManager.HighWater) = (1, 1, 1));
        var (a1, _) = await StartAsync();
        var (a2, _) = await StartAsync();
        await a1.DialAsync(b.ListenAddresses[0]);
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            var connection = await a2.DialAsync(b.ListenAddresses[0]);
            await PingProtocol.PingAsync(connection, 1);
        });
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => CastoHost.StartAsync(new HostOptions()).AsTask().GetAwaiter().GetResult());
        var options = HostDefaults.Create(PrivateKey.Generate());
        options.MaxConnections = 0;
        Assert.Throws<ArgumentOutOfRangeException>(() => CastoHost.StartAsync(options).AsTask().GetAwaiter().GetResult());
    }

    private async Task<(CastoHost Host, IdentifyService Identify)> StartAsync(Action<HostOptions>? configure = null)
    {
        var identity = PrivateKey.Generate();
        var options = new HostOptions { Identity = identity };
        options.Transports.Add(new MemoryTransport(_network));
        options.SecureChannels.Add(new NoiseSecureChannel(identity));
        options.Muxers.Add(new YamuxMuxer());
        options.ListenAddresses.Add(Multiaddr.Parse("/memory/0"));
        configure?.Invoke(options);
        var host = await CastoHost.StartAsync(options);
        _hosts.Add(host);
        PingProtocol.Register(host);
        PerfProtocol.Register(host);
        TestProtocols.RegisterEcho(host);
        return (host, IdentifyService.Register(host));
    }
}
