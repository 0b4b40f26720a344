using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Memory;

namespace Casto.Conformance;

/// <summary>
/// The behaviour every stream muxer must show, run over an in-memory connection pair (like go-libp2p's
/// p2p/muxer/testsuite and rust-libp2p's muxers/test-harness). Derive, implement <see cref="CreateMuxer()"/>, done.
/// </summary>
public abstract class MuxerConformanceTests
{
    /// <summary>Upper bound for any single test step: a hang fails instead of stalling the run.</summary>
    protected static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A muxer with default options.</summary>
    protected abstract IStreamMuxer CreateMuxer();

    /// <summary>A muxer that allows at most <paramref name="maxStreams"/> open streams per direction.</summary>
    protected abstract IStreamMuxer CreateMuxer(int maxStreams);

    [Fact]
    public async Task Opened_stream_is_accepted_with_its_data()
    {
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var client = await pair.Client.OpenStreamAsync().AsTask().WaitAsync(StepTimeout);
        await client.Output.WriteAsync("hello"u8.ToArray());

        var server = await pair.Server.AcceptStreamAsync().AsTask().WaitAsync(StepTimeout);
        Assert.NotNull(server);
        Assert.Equal("hello"u8.ToArray(), await ReadExactlyAsync(server.Input, 5));
    }

    [Fact]
    public async Task Echo_round_trips_data()
    {
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var echo = EchoServerAsync(pair.Server, streams: 1);
        var data = RandomBytes(100_000, seed: 1);

        var stream = await pair.Client.OpenStreamAsync();
        var reading = PipeReading.ReadToEndAsync(stream.Input);
        await WriteInChunksAsync(stream.Output, data, 7_000);
        await stream.Output.CompleteAsync();

        Assert.Equal(data, await reading.WaitAsync(StepTimeout));
        await echo.WaitAsync(StepTimeout);
    }

    [Fact]
    public async Task Hundred_concurrent_streams_each_echo_256_KiB_intact()
    {
        const int Streams = 100;
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var echo = EchoServerAsync(pair.Server, Streams);

        var transfers = Enumerable.Range(0, Streams).Select(async i =>
        {
            var data = RandomBytes(256 * 1024, seed: i);
            var stream = await pair.Client.OpenStreamAsync();
            var reading = PipeReading.HashToEndAsync(stream.Input);
            await WriteInChunksAsync(stream.Output, data, 16 * 1024);
            await stream.Output.CompleteAsync();
            var (hash, length) = await reading;
            Assert.Equal(data.Length, length);
            Assert.Equal(SHA256.HashData(data), hash);
            await stream.DisposeAsync();
        });

        await Task.WhenAll(transfers).WaitAsync(StepTimeout);
        await echo.WaitAsync(StepTimeout);
    }

    [Fact]
    public async Task One_stream_carries_32_MiB_beyond_any_single_window()
    {
        const int Size = 32 * 1024 * 1024;
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var data = RandomBytes(Size, seed: 32);

        var server = Task.Run(async () =>
        {
            var stream = await pair.Server.AcceptStreamAsync();
            Assert.NotNull(stream);
            var (hash, length) = await PipeReading.HashToEndAsync(stream.Input);
            await stream.Output.WriteAsync(BitConverter.GetBytes(length));
            await stream.Output.WriteAsync(hash);
            await stream.Output.CompleteAsync();
        });

        var client = await pair.Client.OpenStreamAsync();
        var reply = PipeReading.ReadToEndAsync(client.Input);
        await WriteInChunksAsync(client.Output, data, 64 * 1024);
        await client.Output.CompleteAsync();

        var answer = await reply.WaitAsync(StepTimeout);
        Assert.Equal(Size, BitConverter.ToInt64(answer, 0));
        Assert.Equal(SHA256.HashData(data), answer[8..]);
        await server.WaitAsync(StepTimeout);
    }

    [Fact]
    public async Task Half_close_works_in_both_directions()
    {
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var client = await pair.Client.OpenStreamAsync();
        await client.Output.WriteAsync("request"u8.ToArray());
        await client.Output.CompleteAsync(); // FIN: the client can still read

        var server = await pair.Server.AcceptStreamAsync().AsTask().WaitAsync(StepTimeout);
        Assert.NotNull(server);
        Assert.Equal("request"u8.ToArray(), await PipeReading.ReadToEndAsync(server.Input).WaitAsync(StepTimeout));

        // The server saw the end of the request and can still answer.
        await server.Output.WriteAsync("response"u8.ToArray());
        await server.Output.CompleteAsync();
        Assert.Equal("response"u8.ToArray(), await PipeReading.ReadToEndAsync(client.Input).WaitAsync(StepTimeout));

        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Reset_mid_transfer_fails_both_sides()
    {
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var client = await pair.Client.OpenStreamAsync();
        await client.Output.WriteAsync(RandomBytes(64 * 1024, seed: 5));

        var server = await pair.Server.AcceptStreamAsync().AsTask().WaitAsync(StepTimeout);
        Assert.NotNull(server);
        await ReadExactlyAsync(server.Input, 1024);

        client.Reset();

        // The resetting side fails at once, both ways.
        await Assert.ThrowsAnyAsync<IOException>(async () => await client.Input.ReadAsync());
        await Assert.ThrowsAnyAsync<IOException>(async () => await client.Output.WriteAsync(new byte[10]));

        // The other side sees the reset on reads and writes, however much it had buffered.
        await Assert.ThrowsAnyAsync<IOException>(() => DrainAsync(server.Input).WaitAsync(StepTimeout));
        await Assert.ThrowsAnyAsync<IOException>(() => WriteUntilFailureAsync(server.Output).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Stream_limit_applies_to_opening_and_to_inbound_streams()
    {
        // Outbound: opening beyond the limit fails.
        await using (var limited = Pair.Create(CreateMuxer(maxStreams: 4), CreateMuxer()))
        {
            for (var i = 0; i < 4; i++)
            {
                await limited.Client.OpenStreamAsync();
            }

            await Assert.ThrowsAnyAsync<IOException>(async () => await limited.Client.OpenStreamAsync());
        }

        // Inbound: streams beyond the limit are refused; closing one makes room again.
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer(maxStreams: 4));
        var opened = new List<IMuxedStream>();
        for (var i = 0; i < 6; i++)
        {
            var stream = await pair.Client.OpenStreamAsync();
            await stream.Output.WriteAsync(new byte[] { (byte)i });
            opened.Add(stream);
        }

        var accepted = new List<IMuxedStream>();
        for (var i = 0; i < 4; i++)
        {
            var stream = await pair.Server.AcceptStreamAsync().AsTask().WaitAsync(StepTimeout);
            Assert.NotNull(stream);
            accepted.Add(stream);
        }

        await Assert.ThrowsAnyAsync<IOException>(() => DrainAsync(opened[4].Input).WaitAsync(StepTimeout));
        await Assert.ThrowsAnyAsync<IOException>(() => DrainAsync(opened[5].Input).WaitAsync(StepTimeout));

        // Close the first stream both ways.
        await opened[0].Output.CompleteAsync();
        Assert.Equal(new byte[] { 0 }, await PipeReading.ReadToEndAsync(accepted[0].Input).WaitAsync(StepTimeout));
        await accepted[0].Output.CompleteAsync();
        Assert.Empty(await PipeReading.ReadToEndAsync(opened[0].Input).WaitAsync(StepTimeout));

        var again = await pair.Client.OpenStreamAsync();
        await again.Output.WriteAsync("again"u8.ToArray());
        var acceptedAgain = await pair.Server.AcceptStreamAsync().AsTask().WaitAsync(StepTimeout);
        Assert.NotNull(acceptedAgain);
        Assert.Equal("again"u8.ToArray(), await ReadExactlyAsync(acceptedAgain.Input, 5));
    }

    [Fact]
    public async Task Closing_the_session_ends_accepts_and_completes_both_sides()
    {
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var serverAccept = pair.Server.AcceptStreamAsync().AsTask();
        var clientAccept = pair.Client.AcceptStreamAsync().AsTask();

        await pair.Client.CloseAsync().AsTask().WaitAsync(StepTimeout);

        Assert.Null(await clientAccept.WaitAsync(StepTimeout));
        Assert.Null(await serverAccept.WaitAsync(StepTimeout));
        await AssertEndsAsync(pair.Client.Completion);
        await AssertEndsAsync(pair.Server.Completion);
        await Assert.ThrowsAnyAsync<IOException>(async () => await pair.Client.OpenStreamAsync());
    }

    [Fact]
    public async Task Closing_waits_for_open_streams_to_finish()
    {
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var client = await pair.Client.OpenStreamAsync();
        await client.Output.WriteAsync("x"u8.ToArray());
        var server = await pair.Server.AcceptStreamAsync().AsTask().WaitAsync(StepTimeout);
        Assert.NotNull(server);

        var closing = pair.Client.CloseAsync().AsTask();
        await Task.Delay(50);
        Assert.False(closing.IsCompleted);

        // The open stream still works while the session drains.
        Assert.Equal("x"u8.ToArray(), await ReadExactlyAsync(server.Input, 1));
        await server.Output.WriteAsync("y"u8.ToArray());
        await server.Output.CompleteAsync();
        await client.Output.CompleteAsync();
        Assert.Equal("y"u8.ToArray(), await PipeReading.ReadToEndAsync(client.Input).WaitAsync(StepTimeout));
        Assert.Empty(await PipeReading.ReadToEndAsync(server.Input).WaitAsync(StepTimeout));

        await closing.WaitAsync(StepTimeout);
        await AssertEndsAsync(pair.Server.Completion);
    }

    [Fact]
    public async Task Remote_abort_fails_pending_reads()
    {
        await using var pair = Pair.Create(CreateMuxer(), CreateMuxer());
        var client = await pair.Client.OpenStreamAsync();
        await client.Output.WriteAsync("x"u8.ToArray());
        var server = await pair.Server.AcceptStreamAsync().AsTask().WaitAsync(StepTimeout);
        Assert.NotNull(server);
        await ReadExactlyAsync(server.Input, 1);

        var pendingRead = server.Input.ReadAsync().AsTask();
        await Task.Delay(20);
        Assert.False(pendingRead.IsCompleted);

        pair.ClientConnection.Abort();

        await Assert.ThrowsAnyAsync<IOException>(() => pendingRead.WaitAsync(StepTimeout));
        await AssertEndsAsync(pair.Server.Completion);
        await AssertEndsAsync(pair.Client.Completion);
    }

    /// <summary>Two muxed sessions over one in-memory connection pair.</summary>
    protected sealed class Pair : IAsyncDisposable
    {
        private Pair(MemoryConnection clientConnection, IMuxedConnection client, IMuxedConnection server)
        {
            ClientConnection = clientConnection;
            Client = client;
            Server = server;
        }

        public MemoryConnection ClientConnection { get; }

        public IMuxedConnection Client { get; }

        public IMuxedConnection Server { get; }

        public static Pair Create(IStreamMuxer clientMuxer, IStreamMuxer serverMuxer)
        {
            var (client, server) = CreateConnectionPair();
            return new Pair(client, clientMuxer.Create(client, isInitiator: true), serverMuxer.Create(server, isInitiator: false));
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync().AsTask().WaitAsync(StepTimeout);
            await Server.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        }
    }

    /// <summary>
    /// An in-memory connection pair. The addresses are explicit because <c>MemoryConnection.CreatePair()</c>'s
    /// defaults (<c>/memory/…</c>) are not known to <c>Multiaddr.Parse</c> yet.
    /// </summary>
    public static (MemoryConnection Client, MemoryConnection Server) CreateConnectionPair() =>
        MemoryConnection.CreatePair(Multiaddr.Parse("/ip4/127.0.0.1/tcp/1"), Multiaddr.Parse("/ip4/127.0.0.1/tcp/2"));

    /// <summary>Accepts <paramref name="streams"/> streams and echoes each one back until its end.</summary>
    protected static Task EchoServerAsync(IMuxedConnection session, int streams) => Task.Run(async () =>
    {
        var echoes = new List<Task>();
        for (var i = 0; i < streams; i++)
        {
            var stream = await session.AcceptStreamAsync();
            Assert.NotNull(stream);
            echoes.Add(Task.Run(async () =>
            {
                await stream.Input.CopyToAsync(stream.Output);
                await stream.Output.CompleteAsync();
                await stream.DisposeAsync();
            }));
        }

        await Task.WhenAll(echoes);
    });

    protected static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static async Task WriteInChunksAsync(PipeWriter writer, byte[] data, int chunk)
    {
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            var result = await writer.WriteAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset)));
            Assert.False(result.IsCompleted, "the stream stopped taking data");
        }
    }

    protected static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
    {
        var result = await reader.ReadAtLeastAsync(count).AsTask().WaitAsync(StepTimeout);
        Assert.True(result.Buffer.Length >= count, "the stream ended early");
        var bytes = result.Buffer.Slice(0, count).ToArray();
        reader.AdvanceTo(result.Buffer.GetPosition(count));
        return bytes;
    }

    /// <summary>Reads and discards until the end; throws what the reader throws.</summary>
    protected static async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Writes until the writer throws (or reports completion, which fails the test).</summary>
    protected static async Task WriteUntilFailureAsync(PipeWriter writer)
    {
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var result = await writer.WriteAsync(chunk);
            Assert.False(result.IsCompleted, "the writer completed instead of failing");
        }
    }

    /// <summary>Waits for <paramref name="task"/> to finish, successfully or not.</summary>
    protected static async Task AssertEndsAsync(Task task)
    {
        var finished = await Task.WhenAny(task, Task.Delay(StepTimeout));
        Assert.Same(task, finished);
    }
}
