using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Casto.Stack.Connections;
using Casto.Stack.Identity;

namespace Casto.Conformance;

/// <summary>Data over an established secure connection.</summary>
public abstract partial class SecureChannelConformanceTests
{
    [Fact]
    public async Task Small_messages_flow_both_ways()
    {
        var (dialer, listener) = await HandshakeNewPeersAsync();
        await using (dialer)
        await using (listener)
        {
            await dialer.Transport.Output.WriteAsync("hello"u8.ToArray());
            Assert.Equal("hello"u8.ToArray(), await ReadExactlyAsync(listener.Transport.Input, 5));

            await listener.Transport.Output.WriteAsync("world!"u8.ToArray());
            Assert.Equal("world!"u8.ToArray(), await ReadExactlyAsync(dialer.Transport.Input, 6));

            // Several small writes, one flush: all arrive, in order.
            for (byte i = 0; i < 10; i++)
            {
                dialer.Transport.Output.GetSpan(1)[0] = i;
                dialer.Transport.Output.Advance(1);
            }

            await dialer.Transport.Output.FlushAsync();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), await ReadExactlyAsync(listener.Transport.Input, 10));
        }
    }

    [Fact]
    public async Task Eight_mebibytes_arrive_intact()
    {
        var data = new byte[8 * 1024 * 1024];
        new Random(8).NextBytes(data);
        var (dialer, listener) = await HandshakeNewPeersAsync();
        await using (dialer)
        await using (listener)
        {
            var write = WriteInPiecesAsync(dialer.Transport.Output, data, seed: 8, complete: true);
            var read = ReadToEndAsync(listener.Transport.Input);
            await Task.WhenAll(write, read).WaitAsync(StepTimeout);

            var received = await read;
            Assert.Equal(data.Length, received.Length);
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(received));
        }
    }

    [Fact]
    public async Task Completing_output_lets_the_remote_read_to_the_end_and_still_reply()
    {
        var (dialer, listener) = await HandshakeNewPeersAsync();
        await using (dialer)
        await using (listener)
        {
            await dialer.Transport.Output.WriteAsync("request"u8.ToArray());
            dialer.Transport.Output.GetSpan(4)[..4].Fill(0x2e);
            dialer.Transport.Output.Advance(4); // unflushed: completing must still deliver it
            await dialer.Transport.Output.CompleteAsync();

            var request = await ReadToEndAsync(listener.Transport.Input).WaitAsync(StepTimeout);
            Assert.Equal("request...."u8.ToArray(), request);

            await listener.Transport.Output.WriteAsync("response"u8.ToArray());
            await listener.Transport.Output.CompleteAsync();
            Assert.Equal("response"u8.ToArray(), await ReadToEndAsync(dialer.Transport.Input).WaitAsync(StepTimeout));
        }
    }

    [Fact]
    public async Task Reading_and_writing_run_concurrently()
    {
        var a = new byte[3 * 1024 * 1024];
        var b = new byte[3 * 1024 * 1024 + 17];
        new Random(1).NextBytes(a);
        new Random(2).NextBytes(b);
        var (dialer, listener) = await HandshakeNewPeersAsync();
        await using (dialer)
        await using (listener)
        {
            // Each side writes more than the raw pipes buffer while the other writes too: only works if
            // reads and writes proceed independently.
            var tasks = new[]
            {
                WriteInPiecesAsync(dialer.Transport.Output, a, seed: 1, complete: true),
                WriteInPiecesAsync(listener.Transport.Output, b, seed: 2, complete: true),
            };
            var fromDialer = Task.Run(() => ReadToEndAsync(listener.Transport.Input));
            var fromListener = Task.Run(() => ReadToEndAsync(dialer.Transport.Input));
            await Task.WhenAll(tasks.Append(fromDialer).Append(fromListener)).WaitAsync(StepTimeout);

            Assert.Equal(SHA256.HashData(a), SHA256.HashData(await fromDialer));
            Assert.Equal(SHA256.HashData(b), SHA256.HashData(await fromListener));
        }
    }

    /// <summary>A handshake between two fresh Ed25519 peers.</summary>
    protected async Task<(ISecureConnection Dialer, ISecureConnection Listener)> HandshakeNewPeersAsync()
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate();
        return await HandshakeAsync(dialerKey, listenerKey, listenerKey.PeerId);
    }

    /// <summary>Writes <paramref name="data"/> in random-sized pieces, alternating GetSpan/Advance and WriteAsync.</summary>
    protected static async Task WriteInPiecesAsync(PipeWriter output, byte[] data, int seed, bool complete)
    {
        var random = new Random(seed);
        var offset = 0;
        while (offset < data.Length)
        {
            var size = Math.Min(data.Length - offset, random.Next(1, 200_000));
            if (random.Next(2) == 0)
            {
                await output.WriteAsync(data.AsMemory(offset, size));
            }
            else
            {
                var piece = data.AsSpan(offset, size);
                while (!piece.IsEmpty)
                {
                    var span = output.GetSpan(random.Next(0, 5000));
                    var n = Math.Min(span.Length, piece.Length);
                    piece[..n].CopyTo(span);
                    output.Advance(n);
                    piece = piece[n..];
                }

                await output.FlushAsync();
            }

            offset += size;
        }

        if (complete)
        {
            await output.CompleteAsync();
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    protected static async Task<byte[]> ReadExactlyAsync(PipeReader input, int count)
    {
        var result = new byte[count];
        var offset = 0;
        while (offset < count)
        {
            var read = await input.ReadAsync().AsTask().WaitAsync(StepTimeout);
            var take = (int)Math.Min(read.Buffer.Length, count - offset);
            read.Buffer.Slice(0, take).CopyTo(result.AsSpan(offset));
            offset += take;
            input.AdvanceTo(read.Buffer.GetPosition(take));
            if (read.IsCompleted && offset < count)
            {
                throw new EndOfStreamException($"Got {offset} of {count} bytes.");
            }
        }

        return result;
    }

    /// <summary>Reads until the remote completes its output, sometimes consuming only part of what is buffered.</summary>
    protected static async Task<byte[]> ReadToEndAsync(PipeReader input)
    {
        var received = new ArrayBufferWriter<byte>();
        var random = new Random(5);
        while (true)
        {
            var read = await input.ReadAsync();
            var buffer = read.Buffer;
            var take = read.IsCompleted || random.Next(4) != 0 ? buffer.Length : buffer.Length / 2;
            foreach (var segment in buffer.Slice(0, take))
            {
                received.Write(segment.Span);
            }

            input.AdvanceTo(buffer.GetPosition(take), buffer.End);
            if (read.IsCompleted)
            {
                return received.WrittenSpan.ToArray();
            }
        }
    }
}
