using System.Buffers;
using System.IO.Pipelines;
using Casto.Conformance;
using Casto.Stack.Muxers.Yamux;
using Casto.Stack.Transports.Memory;

namespace Casto.Stack.Tests.Muxers.Yamux;

/// <summary>One received frame (the payload only for data frames).</summary>
internal sealed record RawFrame(YamuxHeader Header, byte[] Payload);

/// <summary>
/// A hand-driven remote: a <see cref="YamuxSession"/> on one end of an in-memory pair, raw frames on the other.
/// The session is the responder (even ids), the raw peer plays the dialer (odd ids).
/// </summary>
internal sealed class RawYamuxPeer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private uint _syncOpaque = 0x5e_0000;

    public RawYamuxPeer(YamuxOptions? options = null, bool sessionIsInitiator = false)
    {
        var (local, remote) = MuxerConformanceTests.CreateConnectionPair();
        Connection = remote;
        _input = remote.Transport.Input;
        _output = remote.Transport.Output;
        Session = (YamuxSession)new YamuxMuxer(options).Create(local, sessionIsInitiator);
    }

    public YamuxSession Session { get; }

    public MemoryConnection Connection { get; }

    public static YamuxHeader Syn(uint id) => new(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, 0);

    public static YamuxHeader Data(uint id, int length, YamuxFlags flags = YamuxFlags.None) => new(YamuxFrameType.Data, flags, id, (uint)length);

    public static YamuxHeader Window(uint id, uint delta, YamuxFlags flags = YamuxFlags.None) => new(YamuxFrameType.WindowUpdate, flags, id, delta);

    public static YamuxHeader Ping(uint opaque, YamuxFlags flags = YamuxFlags.Syn) => new(YamuxFrameType.Ping, flags, 0, opaque);

    public static YamuxHeader GoAway(YamuxGoAwayCode code) => new(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)code);

    /// <summary>Sends a frame; <paramref name="mayClose"/> when the session is expected to stop reading because of it.</summary>
    public async Task SendAsync(YamuxHeader header, byte[]? payload = null, bool mayClose = false)
    {
        var bytes = new byte[YamuxHeader.Size + (payload?.Length ?? 0)];
        header.Write(bytes);
        payload?.CopyTo(bytes, YamuxHeader.Size);
        await SendRawAsync(bytes, mayClose);
    }

    public async Task SendRawAsync(byte[] bytes, bool mayClose = false)
    {
        var result = await _output.WriteAsync(bytes);
        Assert.True(mayClose || !result.IsCompleted, "the session stopped reading");
    }

    /// <summary>Ends our side of the connection (EOF for the session).</summary>
    public void CloseOutput() => _output.Complete();

    /// <summary>The next frame, or null at the end of the connection. Throws <see cref="OperationCanceledException"/> after <paramref name="timeout"/>.</summary>
    public async Task<RawFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            var result = await _input.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            if (YamuxHeader.TryRead(buffer, out var header))
            {
                var payloadLength = header.Type == YamuxFrameType.Data ? header.Length : 0;
                if (buffer.Length >= YamuxHeader.Size + payloadLength)
                {
                    var payload = buffer.Slice(YamuxHeader.Size, payloadLength).ToArray();
                    _input.AdvanceTo(buffer.GetPosition(YamuxHeader.Size + payloadLength));
                    return new RawFrame(header, payload);
                }
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Reads frames until one matches (skipping others); fails at the end of the connection.</summary>
    public async Task<RawFrame> ReadUntilAsync(Func<YamuxHeader, bool> match, TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await ReadFrameAsync(timeout);
            Assert.True(frame is not null, "the connection ended before the expected frame");
            if (match(frame.Header))
            {
                return frame;
            }
        }
    }

    /// <summary>Reads frames until the connection ends; returns them.</summary>
    public async Task<List<RawFrame>> ReadToEndAsync()
    {
        var frames = new List<RawFrame>();
        while (await ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>Answers the session's first ping (sent when it starts).</summary>
    public async Task AnswerInitialPingAsync()
    {
        var ping = await ReadUntilAsync(h => h.Type == YamuxFrameType.Ping && h.Has(YamuxFlags.Syn));
        await SendAsync(Ping(ping.Header.Length, YamuxFlags.Ack));
    }

    /// <summary>
    /// Returns once the session has processed everything sent so far: frames are handled in order, so the answer
    /// to a fresh ping proves it.
    /// </summary>
    public async Task SyncAsync()
    {
        var opaque = ++_syncOpaque;
        await SendAsync(Ping(opaque));
        await ReadUntilAsync(h => h.Type == YamuxFrameType.Ping && h.Has(YamuxFlags.Ack) && h.Length == opaque);
    }

    /// <summary>Waits for the session to end and returns its failure, or null if it ended cleanly.</summary>
    public async Task<Exception?> SessionEndAsync()
    {
        try
        {
            await Session.Completion.WaitAsync(Timeout);
            return null;
        }
        catch (TimeoutException)
        {
            throw;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _output.Complete();
        await Session.DisposeAsync().AsTask().WaitAsync(Timeout);
        _input.Complete();
    }
}
