using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Memory;

namespace Casto.Stack.Tests.Security.Noise;

/// <summary>The transport-phase reader and writer, wired directly over a raw memory pair with a shared key.</summary>
public class NoisePipeTests
{
    [Fact]
    public async Task Large_writes_become_full_frames_on_the_wire()
    {
        await using var pipes = new Pipes();
        await pipes.Writer.WriteAsync(new byte[200_000]);

        var sizes = ReadFrameSizes(pipes.RawInput, 4);
        Assert.Equal([65535, 65535, 65535, 200_000 - (3 * 65519) + 16], sizes);
    }

    [Fact]
    public async Task Buffered_writes_are_split_at_65519_bytes_and_sent_on_flush()
    {
        await using var pipes = new Pipes();
        for (var i = 0; i < 100; i++)
        {
            pipes.Writer.GetSpan(1000);
            pipes.Writer.Advance(1000);
        }

        await pipes.Writer.FlushAsync();

        // 65 pieces fill 65000 bytes; the 66th does not fit the frame, so 65000 go out and the rest follow.
        Assert.Equal([65000 + 16, 35000 + 16], ReadFrameSizes(pipes.RawInput, 2));
    }

    [Fact]
    public async Task Empty_frames_are_skipped_and_split_frames_reassembled()
    {
        await using var pipes = new Pipes();
        var raw = pipes.RawOutput;
        WriteFrame(raw, pipes.SendCipher, []);
        WriteFrame(raw, pipes.SendCipher, "abc"u8);
        var frame = EncryptFrame(pipes.SendCipher, "defgh"u8);
        await raw.WriteAsync(frame.AsMemory(0, 5)); // half a frame: nothing to read yet
        Assert.Equal("abc", await ReadStringAsync(pipes.Reader));
        Assert.False(pipes.Reader.TryRead(out _));
        await raw.WriteAsync(frame.AsMemory(5));
        Assert.Equal("defgh", await ReadStringAsync(pipes.Reader));
    }

    [Fact]
    public async Task Unconsumed_plaintext_is_returned_again_and_examined_data_waits_for_more()
    {
        await using var pipes = new Pipes();
        await pipes.Writer.WriteAsync("0123456789"u8.ToArray());

        var first = await pipes.Reader.ReadAsync();
        Assert.Equal(10, first.Buffer.Length);
        pipes.Reader.AdvanceTo(first.Buffer.GetPosition(4), first.Buffer.GetPosition(4));
        var second = await pipes.Reader.ReadAsync(); // not everything examined: returns at once
        Assert.Equal("456789", System.Text.Encoding.ASCII.GetString(second.Buffer.ToArray()));
        pipes.Reader.AdvanceTo(second.Buffer.Start, second.Buffer.End);

        var pending = pipes.Reader.ReadAsync().AsTask(); // everything examined: waits for a new frame
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        await pipes.Writer.WriteAsync("!"u8.ToArray());
        var third = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("456789!", System.Text.Encoding.ASCII.GetString(third.Buffer.ToArray()));
    }

    [Fact]
    public async Task Tampered_ciphertext_fails_with_decryption_error_and_aborts()
    {
        await using var pipes = new Pipes();
        var frame = EncryptFrame(pipes.SendCipher, "secret"u8);
        frame[^1] ^= 0x80;
        await pipes.RawOutput.WriteAsync(frame);

        var ex = await Assert.ThrowsAsync<NoiseException>(() => pipes.Reader.ReadAsync().AsTask());
        Assert.Equal(NoiseError.DecryptionFailed, ex.Error);
        Assert.True(pipes.ReaderRaw.Closed.IsCancellationRequested);
        Assert.Same(ex, await Assert.ThrowsAsync<NoiseException>(() => pipes.Reader.ReadAsync().AsTask()));
    }

    [Fact]
    public async Task End_of_input_inside_a_frame_is_truncation()
    {
        await using var pipes = new Pipes();
        await pipes.RawOutput.WriteAsync(new byte[] { 0x01, 0x00, 1, 2, 3 });
        await pipes.RawOutput.CompleteAsync();

        var ex = await Assert.ThrowsAsync<NoiseException>(() => pipes.Reader.ReadAsync().AsTask());
        Assert.Equal(NoiseError.Truncated, ex.Error);
    }

    [Fact]
    public void Random_bytes_into_the_reader_only_raise_noise_errors() =>
        Prop.ForAll<byte[], bool>((bytes, framed) =>
        {
            bytes ??= [];
            using var pipes = new Pipes();
            if (framed)
            {
                // A plausible length prefix gets the bytes as far as the AEAD.
                var length = (ushort)bytes.Length;
                pipes.RawOutput.Write([(byte)(length >> 8), (byte)length]);
            }

            pipes.RawOutput.Write(bytes);
            pipes.RawOutput.Complete();
            Fuzz.OnlyThrows<NoiseException>(() =>
            {
                while (true)
                {
                    var result = pipes.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
                    pipes.Reader.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        Assert.True(bytes.Length == 0 && !framed, "only an empty input ends cleanly");
                        return;
                    }
                }
            });
        }).QuickCheckThrowOnFailure();

    [Fact]
    public async Task Steady_state_does_not_allocate_per_frame()
    {
        await using var pipes = new Pipes();
        var chunk = new byte[NoiseFrame.MaxPlaintextSize];
        long received = 0;
        var synchronous = true;
        void RoundTrip()
        {
            var span = pipes.Writer.GetSpan(chunk.Length);
            chunk.CopyTo(span);
            pipes.Writer.Advance(chunk.Length);
            var flush = pipes.Writer.FlushAsync();
            synchronous &= flush.IsCompletedSuccessfully;
            flush.GetAwaiter().GetResult();
            synchronous &= pipes.Reader.TryRead(out var result);
            received += result.Buffer.Length;
            pipes.Reader.AdvanceTo(result.Buffer.End);
        }

        for (var i = 0; i < 20; i++)
        {
            RoundTrip();
        }

        // No asserts inside the measured loop: xunit's comparers allocate. The least of three runs: a one-off (a pool
        // refilling after a trim, a tier-up) is not per frame; an allocation per frame shows in every run.
        var allocated = long.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 200; i++)
            {
                RoundTrip();
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(synchronous);
        Assert.Equal(620L * chunk.Length, received);
        Assert.True(allocated < 200, $"{allocated} bytes allocated for 200 frames (least of three runs)");
    }

    private static int[] ReadFrameSizes(PipeReader raw, int count)
    {
        var sizes = new List<int>();
        while (sizes.Count < count)
        {
            Assert.True(raw.TryRead(out var result));
            var buffer = result.Buffer;
            while (NoiseFrame.TryRead(buffer, out var message, out var consumed))
            {
                sizes.Add((int)message.Length);
                buffer = buffer.Slice(consumed);
            }

            raw.AdvanceTo(buffer.Start, buffer.End);
        }

        return [.. sizes];
    }

    private static async Task<string> ReadStringAsync(PipeReader reader)
    {
        var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var text = System.Text.Encoding.ASCII.GetString(result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    private static byte[] EncryptFrame(CipherState cipher, ReadOnlySpan<byte> plaintext)
    {
        var frame = new byte[NoiseFrame.HeaderSize + plaintext.Length + NoiseFrame.TagSize];
        NoiseFrame.WriteHeader(frame, plaintext.Length + NoiseFrame.TagSize);
        cipher.EncryptWithAd([], plaintext, frame.AsSpan(NoiseFrame.HeaderSize));
        return frame;
    }

    private static void WriteFrame(PipeWriter raw, CipherState cipher, ReadOnlySpan<byte> plaintext) => raw.Write(EncryptFrame(cipher, plaintext));

    /// <summary>A NoisePipeWriter on one raw end and a NoisePipeReader on the other, sharing one key.</summary>
    private sealed class Pipes : IAsyncDisposable, IDisposable
    {
        public Pipes()
        {
            (WriterRaw, ReaderRaw) = MemoryConnection.CreatePair(Multiaddr.Parse("/ip4/127.0.0.1/tcp/1"), Multiaddr.Parse("/ip4/127.0.0.1/tcp/2"));
            var key = RandomNumberGenerator.GetBytes(CipherState.KeySize);
            var send = new CipherState();
            var receive = new CipherState();
            send.InitializeKey(key);
            receive.InitializeKey(key);
            SendCipher = new CipherState();
            SendCipher.InitializeKey(key);
            Writer = new NoisePipeWriter(WriterRaw, send);
            Reader = new NoisePipeReader(ReaderRaw, receive);
        }

        public MemoryConnection WriterRaw { get; }

        public MemoryConnection ReaderRaw { get; }

        public NoisePipeWriter Writer { get; }

        public NoisePipeReader Reader { get; }

        /// <summary>The writer's key with its own nonce: forges frames on <see cref="RawOutput"/> (use one or the other).</summary>
        public CipherState SendCipher { get; }

        public PipeWriter RawOutput => WriterRaw.Transport.Output;

        public PipeReader RawInput => ReaderRaw.Transport.Input;

        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        public async ValueTask DisposeAsync()
        {
            SendCipher.Dispose();
            await Writer.CompleteAsync();
            await Reader.CompleteAsync();
            await WriterRaw.DisposeAsync();
            await ReaderRaw.DisposeAsync();
        }
    }
}
