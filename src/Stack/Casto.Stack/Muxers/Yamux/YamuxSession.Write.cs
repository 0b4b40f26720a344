namespace Casto.Stack.Muxers.Yamux;

/// <summary>
/// The write loop, the connection's only writer (like Kestrel's Http2FrameWriter): it drains the control-frame
/// queue and the queue of streams with something to send, writing headers with <c>GetSpan</c> straight into the
/// connection's <see cref="System.IO.Pipelines.PipeWriter"/>, one frame per stream per turn, and flushes when
/// idle or after <see cref="FlushThreshold"/> bytes (the flush is where the transport's back-pressure applies).
/// </summary>
internal sealed partial class YamuxSession
{
    /// <summary>Bytes written between flushes under load.</summary>
    private const int FlushThreshold = 256 * 1024;

    /// <summary>
    /// Unwritten control frames allowed (pong, RST for refused streams). More means the remote keeps asking
    /// while not reading our answers: a protocol error rather than an unbounded queue.
    /// </summary>
    private const int MaxPendingControlFrames = 4096;

    private readonly Queue<YamuxHeader> _control = new();
    private readonly Queue<YamuxStream> _ready = new();
    private bool _writerDone;

    internal AsyncSignal WriteSignal { get; } = new();

    /// <summary>Queues <paramref name="stream"/> for the write loop (at most once).</summary>
    internal void Schedule(YamuxStream stream)
    {
        lock (_lock)
        {
            if (stream.Queued || _writerDone)
            {
                return;
            }

            stream.Queued = true;
            _ready.Enqueue(stream);
        }

        WriteSignal.Set();
    }

    /// <summary>Queues a control frame; the caller then sets <see cref="WriteSignal"/>. False when too many are queued.</summary>
    private bool TryEnqueueControlLocked(YamuxHeader header)
    {
        if (_writerDone)
        {
            return true;
        }

        if (_control.Count >= MaxPendingControlFrames)
        {
            return false;
        }

        _control.Enqueue(header);
        return true;
    }

    /// <summary>Queues a control frame the remote asked for (pong, refusal); too many is the remote's fault.</summary>
    private void EnqueueAnswerLocked(YamuxHeader header)
    {
        if (!TryEnqueueControlLocked(header))
        {
            throw new YamuxException(YamuxError.ProtocolError, "The remote keeps sending pings or streams without reading the answers.");
        }
    }

    private void EnqueueGoAwayLocked(YamuxGoAwayCode code)
    {
        if (_goAwaySent || _writerDone)
        {
            return;
        }

        _goAwaySent = true;
        _control.Enqueue(new YamuxHeader(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)code));
    }

    private async Task WriteLoopAsync()
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        Exception? failure = null;
        try
        {
            // One long-lived loop (no per-wake async method): write what is queued, flush, sleep until signalled.
            while (!IsShutdown())
            {
                var more = WritePending(FlushThreshold);
                if (_unflushed > 0)
                {
                    _unflushed = 0;
                    var result = await _output.FlushAsync().ConfigureAwait(false);
                    if (result.IsCompleted)
                    {
                        // The transport takes no more data: the remote went away.
                        Shutdown(null, goAway: null);
                        break;
                    }
                }

                if (!more)
                {
                    await WriteSignal.WaitAsync().ConfigureAwait(false);
                }
            }

            // Shutting down: what is queued (go-away, resets) goes out without waiting for back-pressure.
            WritePending(long.MaxValue);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        lock (_lock)
        {
            _writerDone = true;
            _control.Clear();
            _ready.Clear();
        }

        if (failure is not null)
        {
            Shutdown(new YamuxException(YamuxError.ConnectionError, "Writing to the connection failed.", failure), goAway: null);
        }

        _output.Complete();
    }

    private long _unflushed;

    /// <summary>Writes queued frames until about <paramref name="budget"/> bytes; true if more may be queued.</summary>
    private bool WritePending(long budget)
    {
        while (budget > 0)
        {
            YamuxHeader control;
            YamuxStream? stream = null;
            lock (_lock)
            {
                if (!_control.TryDequeue(out control))
                {
                    if (!_ready.TryDequeue(out stream))
                    {
                        return false;
                    }

                    stream.Queued = false;
                }
            }

            int written;
            if (stream is null)
            {
                control.Write(_output);
                written = YamuxHeader.Size;
            }
            else
            {
                written = stream.WriteFrames(_output);
            }

            _unflushed += written;
            budget -= written;
        }

        return true;
    }
}
