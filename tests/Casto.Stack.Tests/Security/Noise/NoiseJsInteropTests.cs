using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Memory;
using Casto.Testing;

namespace Casto.Stack.Tests.Security.Noise;

/// <summary>
/// Wire compatibility with @chainsafe/libp2p-noise (js-libp2p 3.x) over a real TCP socket: a bare Noise session,
/// no multistream-select or muxer (tests/interop/js/noise.mjs describes the exchange).
/// </summary>
public class NoiseJsInteropTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Js_dials_us_and_data_flows_both_ways()
    {
        using var key = PrivateKey.Generate();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var js = JsPeers.RunAsync("noise.mjs", "dial", port.ToString(), key.PeerId.ToString());

        using var socket = await listener.AcceptSocketAsync().WaitAsync(StepTimeout);
        var options = new NoiseOptions { StreamMuxers = { "/yamux/1.0.0" } };
        await using var secure = await new NoiseSecureChannel(key, options).SecureInboundAsync(new SocketConnection(socket)).AsTask().WaitAsync(StepTimeout);
        await AnswerAsync(secure);

        using var result = JsonDocument.Parse(await js.WaitAsync(StepTimeout));
        Assert.True(result.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(key.PeerId.ToString(), result.RootElement.GetProperty("remote").GetString());
        Assert.Equal(result.RootElement.GetProperty("local").GetString(), secure.RemotePeer.ToString());
        Assert.Equal(["/yamux/1.0.0"], result.RootElement.GetProperty("remoteMuxers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["/yamux/1.0.0"], Assert.IsAssignableFrom<INoiseExtensionsFeature>(secure).RemoteStreamMuxers);
    }

    [Fact]
    public async Task We_dial_js_and_data_flows_both_ways()
    {
        using var key = PrivateKey.Generate(KeyType.Secp256k1);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var js = JsPeers.RunAsync("noise.mjs", "listen", port.ToString());
        var socket = await ConnectWithRetryAsync(port, js);
        await using var secure = await new NoiseSecureChannel(key).SecureOutboundAsync(new SocketConnection(socket), null).AsTask().WaitAsync(StepTimeout);
        await AnswerAsync(secure);

        using var result = JsonDocument.Parse(await js.WaitAsync(StepTimeout));
        Assert.True(result.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(key.PeerId.ToString(), result.RootElement.GetProperty("remote").GetString());
        Assert.Equal(result.RootElement.GetProperty("local").GetString(), secure.RemotePeer.ToString());
        Assert.Empty(result.RootElement.GetProperty("remoteMuxers").EnumerateArray());
    }

    // Reads u32be N + N bytes from js; answers SHA-256 of them + u32be M + M pattern bytes (seed 2).
    private static async Task AnswerAsync(ISecureConnection secure)
    {
        var input = secure.Transport.Input;
        var length = BinaryPrimitives.ReadUInt32BigEndian(await ReadExactlyAsync(input, 4));
        var data = await ReadExactlyAsync(input, (int)length);
        Assert.Equal(Pattern(data.Length, 1), data);

        const int ReplyLength = 150_001;
        var output = secure.Transport.Output;
        output.Write(SHA256.HashData(data));
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, ReplyLength);
        output.Write(header);
        await output.WriteAsync(Pattern(ReplyLength, 2));
    }

    private static byte[] Pattern(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(((i * 7) + seed) % 251))];

    private static async Task<byte[]> ReadExactlyAsync(PipeReader input, int count)
    {
        while (true)
        {
            var read = await input.ReadAsync().AsTask().WaitAsync(StepTimeout);
            if (read.Buffer.Length >= count)
            {
                var bytes = read.Buffer.Slice(0, count).ToArray();
                input.AdvanceTo(read.Buffer.GetPosition(count));
                return bytes;
            }

            Assert.False(read.IsCompleted, "js closed early");
            input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static async Task<Socket> ConnectWithRetryAsync(int port, Task js)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return socket;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !js.IsCompleted)
            {
                socket.Dispose();
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A minimal raw connection over a connected socket (tests only; the real one is the TCP transport).</summary>
    private sealed class SocketConnection : IDuplexConnection
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _closed = new();

        public SocketConnection(Socket socket)
        {
            _socket = socket;
            var stream = new NetworkStream(socket, ownsSocket: false);
            Transport = new DuplexPipe(PipeReader.Create(stream), PipeWriter.Create(stream));
        }

        public IDuplexPipe Transport { get; }

        public Multiaddr LocalAddress { get; } = Multiaddr.Parse("/ip4/127.0.0.1/tcp/1");

        public Multiaddr RemoteAddress { get; } = Multiaddr.Parse("/ip4/127.0.0.1/tcp/2");

        public CancellationToken Closed => _closed.Token;

        public void Abort(Exception? reason = null)
        {
            _socket.Close(0);
            _closed.Cancel();
        }

        public async ValueTask DisposeAsync()
        {
            await Transport.Output.CompleteAsync();
            await Transport.Input.CompleteAsync();
            _socket.Dispose();
            _closed.Cancel();
            _closed.Dispose();
        }
    }
}
