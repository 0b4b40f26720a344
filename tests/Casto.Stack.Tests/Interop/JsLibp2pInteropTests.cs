using System.IO.Pipelines;
using System.Security.Cryptography;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Identify;
using Casto.Stack.Protocols.Perf;
using Casto.Stack.Protocols.Ping;
using Casto.Stack.Tests.Hosting;
using Casto.Testing;

namespace Casto.Stack.Tests.Interop;

/// <summary>One js-libp2p 3.x node and one Casto host per test class, talking over TCP + Noise + Yamux on loopback.</summary>
public sealed class JsLibp2pFixture : IAsyncLifetime
{
    public JsPeerProcess Js { get; private set; } = null!;

    public CastoHost Host { get; private set; } = null!;

    public IdentifyService Identify { get; private set; } = null!;

    public Multiaddr JsAddress => Multiaddr.Parse(Js.Addresses[0]);

    public async Task InitializeAsync()
    {
        Js = await JsPeerProcess.StartAsync();
        var options = HostDefaults.Create(PrivateKey.Generate());
        options.ListenAddresses.Add(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        Host = await CastoHost.StartAsync(options);
        PingProtocol.Register(Host);
        PerfProtocol.Register(Host);
        TestProtocols.RegisterEcho(Host);
        Identify = IdentifyService.Register(Host);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Js.DisposeAsync();
    }
}

public sealed class JsLibp2pInteropTests(JsLibp2pFixture fixture) : IClassFixture<JsLibp2pFixture>
{
    private CastoHost Host => fixture.Host;

    private string OurAddress => Host.ListenAddresses[0].ToString();

    [Fact]
    public async Task We_dial_js_and_ping()
    {
        var connection = await Host.DialAsync(fixture.JsAddress);
        Assert.Equal(fixture.Js.PeerId, connection.RemotePeer.ToString());
        var rtts = await PingProtocol.PingAsync(connection, 5);
        Assert.Equal(5, rtts.Count);
        Assert.All(rtts, rtt => Assert.True(rtt < TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Js_dials_us_and_pings()
    {
        var result = await JsPeerProcess.DialAsync(OurAddress, "ping", "3");
        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(3, result.GetProperty("rtts").GetArrayLength());
    }

    [Fact]
    public async Task We_identify_js_with_its_protocols_and_our_observed_address()
    {
        var connection = await Host.DialAsync(fixture.JsAddress);
        var info = await fixture.Identify.IdentifyAsync(connection);
        Assert.Equal(fixture.Js.Protocols.Order(), info.Protocols.Order());
        Assert.StartsWith("js-libp2p/", info.AgentVersion, StringComparison.Ordinal);
        Assert.Equal(connection.LocalAddress.Decapsulate(MultiaddrProtocol.P2p), info.ObservedAddress?.Decapsulate(MultiaddrProtocol.P2p));
        Assert.Contains(fixture.JsAddress.Decapsulate(MultiaddrProtocol.P2p), info.Addresses);
        Assert.Equal(info, Host.PeerStore.Get(connection.RemotePeer));
    }

    [Fact]
    public async Task Js_identifies_us_with_our_protocols_and_its_observed_address()
    {
        var result = await JsPeerProcess.DialAsync(OurAddress, "identify");
        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(Host.PeerId.ToString(), result.GetProperty("peerId").GetString());
        var protocols = result.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(Host.Protocols.Order(), protocols.Order());
        Assert.StartsWith("casto/", result.GetProperty("agentVersion").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("/ip4/127.0.0.1/tcp/", result.GetProperty("observedAddr").GetString(), StringComparison.Ordinal);
        Assert.Contains(Host.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p).ToString(),
            result.GetProperty("listenAddrs").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Js_opens_100_concurrent_streams_to_us()
    {
        var result = await JsPeerProcess.DialAsync(OurAddress, "echo", "100", "65536");
        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(100, result.GetProperty("streams").GetInt32());
    }

    [Fact]
    public async Task We_open_100_concurrent_streams_to_js()
    {
        var connection = await Host.DialAsync(fixture.JsAddress);
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            var context = await connection.NewStreamAsync(TestProtocols.Echo);
            await using var stream = context.Stream;
            var data = RandomNumberGenerator.GetBytes(65536);
            var (digest, length) = await TestProtocols.EchoAsync(context, data);
            Assert.Equal(data.Length, length);
            Assert.Equal(SHA256.HashData(data), digest);
        }));
    }

    [Fact]
    public async Task Sixty_four_MiB_each_way_with_checksums()
    {
        var connection = await Host.DialAsync(fixture.JsAddress);
        var context = await connection.NewStreamAsync(TestProtocols.Echo);
        await using var stream = context.Stream;
        var data = RandomNumberGenerator.GetBytes(64 * 1024 * 1024);
        var (digest, length) = await TestProtocols.EchoAsync(context, data).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(data.Length, length);
        Assert.Equal(SHA256.HashData(data), digest);
    }

    [Fact]
    public async Task Perf_both_directions_against_js()
    {
        var connection = await Host.DialAsync(fixture.JsAddress);
        var run = await PerfProtocol.RunAsync(connection, 16 << 20, 16 << 20);
        Assert.Equal(16 << 20, run.DownloadBytes);
        var js = await JsPeerProcess.DialAsync(OurAddress, "perf", (16 << 20).ToString(), (16 << 20).ToString());
        Assert.False(js.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(16 << 20, js.GetProperty("downloadBytes").GetInt64());
    }

    [Fact]
    public async Task Js_resetting_a_stream_mid_transfer_fails_only_that_stream()
    {
        var connection = await Host.DialAsync(fixture.JsAddress);
        var context = await connection.NewStreamAsync("/casto/reset/1.0.0");
        await using (context.Stream)
        {
            var failed = await WritesOrReadsFailAsync(context.Stream);
            Assert.True(failed, "the reset was not seen");
        }

        Assert.Single(await PingProtocol.PingAsync(connection, 1)); // the connection survives
    }

    [Fact]
    public async Task Js_closing_a_stream_mid_transfer_ends_our_reads()
    {
        var connection = await Host.DialAsync(fixture.JsAddress);
        var context = await connection.NewStreamAsync("/casto/close/1.0.0");
        await using (context.Stream)
        {
            await context.Stream.Output.WriteAsync(new byte[1024]);
            var (_, length) = await PipeReading.HashToEndAsync(context.Stream.Input).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, length);
        }

        Assert.Single(await PingProtocol.PingAsync(connection, 1));
    }

    /// <summary>Keeps writing until a write or a read reports the remote's reset.</summary>
    private static async Task<bool> WritesOrReadsFailAsync(IDuplexPipe stream)
    {
        var chunk = new byte[16 * 1024];
        try
        {
            for (var i = 0; i < 4096; i++)
            {
                var flush = await stream.Output.WriteAsync(chunk).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                if (flush.IsCompleted)
                {
                    return true;
                }
            }

            var read = await stream.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            return read.IsCompleted;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
