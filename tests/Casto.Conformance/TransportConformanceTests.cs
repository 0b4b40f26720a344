using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports;

namespace Casto.Conformance;

/// <summary>
/// The behaviour every <see cref="ITransport"/> must have (after go-libp2p's p2p/transport/testsuite).
/// Derive, supply a transport and a listen address, and the suite runs against it.
/// </summary>
public abstract class TransportConformanceTests
{
    /// <summary>The transport under test (a fresh one per call is fine).</summary>
    protected abstract ITransport CreateTransport();

    /// <summary>An address to listen on, usually with port 0.</summary>
    protected abstract Multiaddr ListenAddress { get; }

    /// <summary>An address of the right kind that nothing listens on.</summary>
    protected abstract Multiaddr UnusedAddress { get; }

    [Fact]
    public async Task Dial_and_accept_exchange_data_both_ways()
    {
        var transport = CreateTransport();
        await using var listener = await transport.ListenAsync(ListenAddress);
        Assert.True(transport.CanHandle(listener.LocalAddress));
        var dialing = transport.DialAsync(listener.LocalAddress).AsTask();
        await using var server = (await listener.AcceptAsync())!;
        await using var client = await dialing;

        await client.Transport.Output.WriteAsync("ping"u8.ToArray());
        Assert.Equal("ping", await ReadExactlyAsync(server.Transport.Input, 4));
        await server.Transport.Output.WriteAsync("pong"u8.ToArray());
        Assert.Equal("pong", await ReadExactlyAsync(client.Transport.Input, 4));
    }

    [Fact]
    public async Task Large_transfers_arrive_intact_with_half_close()
    {
        var transport = CreateTransport();
        await using var listener = await transport.ListenAsync(ListenAddress);
        var dialing = transport.DialAsync(listener.LocalAddress).AsTask();
        await using var server = (await listener.AcceptAsync())!;
        await using var client = await dialing;

        var payload = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        var sending = Task.Run(async () =>
        {
            for (var offset = 0; offset < payload.Length; offset += 65536)
            {
                await client.Transport.Output.WriteAsync(payload.AsMemory(offset, 65536));
            }

            await client.Transport.Output.CompleteAsync();
        });
        var received = await PipeReading.ReadToEndAsync(server.Transport.Input).WaitAsync(TimeSpan.FromSeconds(30));
        await sending;
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));

        // The other direction still works after the half-close.
        await server.Transport.Output.WriteAsync("done"u8.ToArray());
        Assert.Equal("done", await ReadExactlyAsync(client.Transport.Input, 4));
    }

    [Fact]
    public async Task Many_concurrent_connections()
    {
        var transport = CreateTransport();
        await using var listener = await transport.ListenAsync(ListenAddress);
        const int Count = 50;
        var accepting = Task.Run(async () =>
        {
            var accepted = new List<IDuplexConnection>();
            for (var i = 0; i < Count; i++)
            {
                var connection = (await listener.AcceptAsync())!;
                var result = await connection.Transport.Input.ReadAtLeastAsync(1);
                await connection.Transport.Output.WriteAsync(result.Buffer.Slice(0, 1).ToArray());
                connection.Transport.Input.AdvanceTo(result.Buffer.GetPosition(1));
                accepted.Add(connection);
            }

            return accepted;
        });
        var clients = await Task.WhenAll(Enumerable.Range(0, Count).Select(async i =>
        {
            var client = await transport.DialAsync(listener.LocalAddress);
            await client.Transport.Output.WriteAsync(new[] { (byte)i });
            Assert.Equal((char)i + string.Empty, await ReadExactlyAsync(client.Transport.Input, 1));
            return client;
        }));
        foreach (var connection in (await accepting).Concat(clients))
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Abort_fails_the_remote_and_cancels_closed()
    {
        var transport = CreateTransport();
        await using var listener = await transport.ListenAsync(ListenAddress);
        var dialing = transport.DialAsync(listener.LocalAddress).AsTask();
        await using var server = (await listener.AcceptAsync())!;
        await using var client = await dialing;

        client.Abort();
        var ended = await Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var result = await server.Transport.Input.ReadAsync();
                    server.Transport.Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        return true;
                    }
                }
            }
            catch (IOException)
            {
                return true;
            }
        }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(ended);
        await WaitCancelledAsync(client.Closed);
    }

    [Fact]
    public async Task Dialing_nothing_fails_with_a_transport_error()
    {
        var ex = await Assert.ThrowsAsync<TransportException>(() => CreateTransport().DialAsync(UnusedAddress).AsTask());
        Assert.Equal(TransportError.ConnectionRefused, ex.Error);
    }

    [Fact]
    public async Task Closed_listener_returns_null_from_accept()
    {
        var listener = await CreateTransport().ListenAsync(ListenAddress);
        var accepting = listener.AcceptAsync().AsTask();
        await listener.DisposeAsync();
        Assert.Null(await accepting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    protected static async Task<string> ReadExactlyAsync(PipeReader reader, int count)
    {
        var result = await reader.ReadAtLeastAsync(count).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var text = System.Text.Encoding.Latin1.GetString(result.Buffer.Slice(0, count).ToArray());
        reader.AdvanceTo(result.Buffer.GetPosition(count));
        return text;
    }

    private static async Task WaitCancelledAsync(CancellationToken token)
    {
        var done = new TaskCompletionSource();
        using var registration = token.Register(() => done.TrySetResult());
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
