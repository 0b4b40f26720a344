using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Perf;
using Casto.Stack.Protocols.Ping;

namespace Casto.Benchmarks;

/// <summary>
/// C# ↔ C# over TCP loopback in one process (TCP + Noise + Yamux). The perf runs at two sizes show whether
/// allocation grows with the number of frames: equal allocation for 16 and 64 MiB means none per frame.
/// </summary>
[MemoryDiagnoser]
public class StackBenchmarks
{
    private readonly byte[] _plain = new byte[65519];
    private readonly byte[] _cipher = new byte[65519];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _nonce = new byte[12];
    private ChaCha20Poly1305 _aead = null!;
    private CastoHost _server = null!;
    private CastoHost _client = null!;
    private PeerConnection _connection = null!;
    private CastoHost _dialer = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _aead = new ChaCha20Poly1305(RandomNumberGenerator.GetBytes(32));
        var serverOptions = HostDefaults.Create(PrivateKey.Generate());
        serverOptions.ListenAddresses.Add(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        _server = await CastoHost.StartAsync(serverOptions);
        PingProtocol.Register(_server);
        PerfProtocol.Register(_server);
        _client = await CastoHost.StartAsync(HostDefaults.Create(PrivateKey.Generate()));
        _connection = await _client.DialAsync(_server.ListenAddresses[0]);
        _dialer = await CastoHost.StartAsync(HostDefaults.Create(PrivateKey.Generate()));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _client.DisposeAsync();
        await _dialer.DisposeAsync();
        await _server.DisposeAsync();
        _aead.Dispose();
    }

    /// <summary>The crypto ceiling: one Noise frame's worth of ChaCha20-Poly1305 (BCL).</summary>
    [Benchmark]
    public void ChaChaPolyEncryptFrame() => _aead.Encrypt(_nonce, _plain, _cipher, _tag);

    [Benchmark]
    public Task<PerfResult> Upload16MiB() => PerfProtocol.RunAsync(_connection, 16 << 20, 0).AsTask();

    [Benchmark]
    public Task<PerfResult> Upload64MiB() => PerfProtocol.RunAsync(_connection, 64 << 20, 0).AsTask();

    [Benchmark]
    public Task<PerfResult> Download64MiB() => PerfProtocol.RunAsync(_connection, 0, 64 << 20).AsTask();

    /// <summary>
    /// A fresh connection (TCP + Noise + Yamux handshakes) from a long-lived client host and one ping, then close
    /// (the host, its key and its buffer pools are made once, as in a running node).
    /// </summary>
    [Benchmark]
    public async Task ConnectAndPing()
    {
        var connection = await _dialer.DialAsync(_server.ListenAddresses[0]);
        await PingProtocol.PingAsync(connection, 1);
        await connection.DisposeAsync();
        await connection.Completion;
    }
}
