using System.Buffers;
using System.IO.Pipelines;
using Casto.Stack.Multistream;
using Casto.Stack.Transports.Memory;

namespace Casto.Stack.Tests.Multistream;

public class MultistreamSelectTests
{
    [Fact]
    public async Task Dialer_and_listener_agree_on_the_first_common_protocol()
    {
        var (client, server) = MemoryConnection.CreatePair();
        var listening = MultistreamSelect.HandleAsync(server.Transport, ["/b", "/c"]).AsTask();
        var selected = await MultistreamSelect.SelectAsync(client.Transport, ["/a", "/b", "/c"]);
        Assert.Equal("/b", selected);
        Assert.Equal("/b", await listening);
    }

    [Fact]
    public async Task Bytes_after_the_negotiation_stay_for_the_next_layer()
    {
        var (client, server) = MemoryConnection.CreatePair();
        var listening = MultistreamSelect.HandleAsync(server.Transport, ["/echo"]).AsTask();
        await MultistreamSelect.SelectAsync(client.Transport, ["/echo"]);
        await client.Transport.Output.WriteAsync("payload"u8.ToArray());
        await listening;
        var read = await server.Transport.Input.ReadAtLeastAsync(7);
        Assert.Equal("payload"u8.ToArray(), read.Buffer.Slice(0, 7).ToArray());
    }

    [Fact]
    public async Task No_common_protocol_fails_the_dialer()
    {
        var (client, server) = MemoryConnection.CreatePair();
        _ = MultistreamSelect.HandleAsync(server.Transport, ["/x"]).AsTask();
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => MultistreamSelect.SelectAsync(client.Transport, ["/a", "/b"]).AsTask());
        Assert.Equal(MultistreamError.NoCommonProtocol, ex.Error);
    }

    [Fact]
    public async Task Listener_answers_ls_with_its_protocols()
    {
        var (client, server) = MemoryConnection.CreatePair();
        _ = MultistreamSelect.HandleAsync(server.Transport, ["/p1", "/p2"]).AsTask();
        var output = new ArrayBufferWriter<byte>();
        MultistreamMessage.Write(MultistreamSelect.ProtocolId, output);
        MultistreamMessage.Write("ls", output);
        await client.Transport.Output.WriteAsync(output.WrittenMemory);

        // Header echo, then one message holding "/p1\n" and "/p2\n" as messages, then "\n".
        Assert.Equal(MultistreamSelect.ProtocolId, await ReadMessageAsync(client.Transport.Input));
        var list = await ReadMessageAsync(client.Transport.Input);
        Assert.Equal("\u0004/p1\n\u0004/p2\n", list);
    }

    [Theory]
    [InlineData("13/multistream/2.0.0\n")] // wrong version
    [InlineData("05hello")] // no newline
    public async Task Bad_headers_fail_with_typed_errors(string wire)
    {
        var (client, server) = MemoryConnection.CreatePair();
        var listening = MultistreamSelect.HandleAsync(server.Transport, ["/x"]).AsTask();
        var bytes = System.Text.Encoding.ASCII.GetBytes(wire[2..]);
        await client.Transport.Output.WriteAsync((byte[])[Convert.ToByte(wire[..2], 16), .. bytes]);
        await Assert.ThrowsAsync<MultistreamException>(() => listening);
    }

    [Fact]
    public async Task Oversized_messages_are_rejected_before_buffering()
    {
        var (client, server) = MemoryConnection.CreatePair();
        var listening = MultistreamSelect.HandleAsync(server.Transport, ["/x"]).AsTask();
        await client.Transport.Output.WriteAsync((byte[])[0xff, 0xff, 0x03]); // 65535 announced
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => listening);
        Assert.Equal(MultistreamError.InvalidMessage, ex.Error);
    }

    [Fact]
    public async Task A_remote_that_closes_mid_negotiation_fails_cleanly()
    {
        var (client, server) = MemoryConnection.CreatePair();
        var listening = MultistreamSelect.HandleAsync(server.Transport, ["/x"]).AsTask();
        await client.Transport.Output.WriteAsync((byte[])[0x13, (byte)'/']);
        await client.Transport.Output.CompleteAsync();
        Assert.Equal(MultistreamError.Closed, (await Assert.ThrowsAsync<MultistreamException>(() => listening)).Error);
    }

    [Fact]
    public async Task Endless_proposals_are_cut_off()
    {
        var (client, server) = MemoryConnection.CreatePair(bufferSize: 1 << 20);
        var listening = MultistreamSelect.HandleAsync(server.Transport, ["/x"]).AsTask();
        var output = new ArrayBufferWriter<byte>();
        MultistreamMessage.Write(MultistreamSelect.ProtocolId, output);
        for (var i = 0; i <= MultistreamSelect.MaxAttempts; i++)
        {
            MultistreamMessage.Write("/nope/" + i, output);
        }

        await client.Transport.Output.WriteAsync(output.WrittenMemory);
        Assert.Equal(MultistreamError.TooManyAttempts, (await Assert.ThrowsAsync<MultistreamException>(() => listening)).Error);
    }

    [Fact]
    public void Random_bytes_only_raise_multistream_errors() =>
        Prop.ForAll<byte[]>(bytes => Fuzz.OnlyThrows<MultistreamException>(
            () => MultistreamMessage.TryRead(new ReadOnlySequence<byte>(bytes), out _, out _))).QuickCheckThrowOnFailure();

    private static async Task<string> ReadMessageAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            if (MultistreamMessage.TryRead(result.Buffer, out var text, out var consumed))
            {
                reader.AdvanceTo(consumed);
                return text;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
