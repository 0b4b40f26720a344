using System.Buffers;
using System.Security.Cryptography;
using Casto.Stack.Buffers;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Tcp;

namespace Casto.Stack.Tests.Transports;

/// <summary>The socket pipes' buffers: gather sends of many blocks, and no receive buffer while idle.</summary>
public class TcpBufferTests
{
    [Theory]
    [InlineData(4096, 1 << 20)] // 256 blocks in one flush: several gather sends of SocketSender.MaxSegments
    [InlineData(256 * 1024, 3 << 20)] // the default block size, frames of several blocks
    public async Task Many_buffered_blocks_arrive_intact_and_in_order(int blockSize, int length)
    {
        var pool = new CountingPool(new BlockMemoryPool(blockSize, maxRetainedBlocks: 64));
        var transport = new TcpTransport(new TcpTransportOptions { MemoryPool = pool, ReceiveSize = blockSize, MaxWriteBufferSize = 8L << 20 });
        await using var listener = await transport.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var dialing = transport.DialAsync(listener.LocalAddress).AsTask();
        await using var server = (await listener.AcceptAsync())!;
        await using var client = await dialing;

        var data = RandomNumberGenerator.GetBytes(length);
        for (var offset = 0; offset < length; offset += 10_000) // many small writes, one flush
        {
            var chunk = data.AsSpan(offset, Math.Min(10_000, length - offset));
            chunk.CopyTo(client.Transport.Output.GetSpan(chunk.Length));
            client.Transport.Output.Advance(chunk.Length);
        }

        await client.Transport.Output.FlushAsync();
        await client.Transport.Output.CompleteAsync();
        var received = await ReadToEndAsync(server);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(received));
    }

    [Fact]
    public async Task An_idle_connection_holds_no_receive_buffer()
    {
        var pool = new CountingPool(new BlockMemoryPool());
        var transport = new TcpTransport(new TcpTransportOptions { MemoryPool = pool });
        await using var listener = await transport.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var dialing = transport.DialAsync(listener.LocalAddress).AsTask();
        await using var server = (await listener.AcceptAsync())!;
        await using var client = await dialing;

        await client.Transport.Output.WriteAsync(new byte[] { 1, 2, 3 });
        var read = await server.Transport.Input.ReadAtLeastAsync(3);
        server.Transport.Input.AdvanceTo(read.Buffer.End);
        await WaitUntilAsync(() => pool.Outstanding == 0); // both loops wait without a block once the bytes are through
        Assert.Equal(0, pool.Outstanding);

        await client.Transport.Output.WriteAsync(new byte[] { 4 });
        read = await server.Transport.Input.ReadAtLeastAsync(1);
        Assert.Equal(4, read.Buffer.FirstSpan[0]);
        server.Transport.Input.AdvanceTo(read.Buffer.End);
    }

    private static async Task<byte[]> ReadToEndAsync(IDuplexConnection connection)
    {
        var output = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await connection.Transport.Input.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                output.Write(segment.Span);
            }

            connection.Transport.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return output.WrittenSpan.ToArray();
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>Counts blocks rented and not yet returned.</summary>
    private sealed class CountingPool(MemoryPool<byte> inner) : MemoryPool<byte>
    {
        private int _outstanding;

        public int Outstanding => Volatile.Read(ref _outstanding);

        public override int MaxBufferSize => inner.MaxBufferSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            Interlocked.Increment(ref _outstanding);
            return new Lease(this, inner.Rent(minBufferSize));
        }

        protected override void Dispose(bool disposing) => inner.Dispose();

        private sealed class Lease(CountingPool pool, IMemoryOwner<byte> owner) : IMemoryOwner<byte>
        {
            private int _disposed;

            public Memory<byte> Memory => owner.Memory;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref pool._outstanding);
                    owner.Dispose();
                }
            }
        }
    }
}
