using System.Buffers;
using System.IO.Pipelines;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>
/// Flow control (spec "Flow Control"). Receiving: the invariant is
/// <c>credit + buffered + consumed == window</c>, where credit is what the remote may still send, buffered is
/// unread data in the receive pipe and consumed is what the application read since our last window update.
/// Once half the window was consumed we give it back with a window update, doubling the window (up to
/// <see cref="YamuxOptions.MaxStreamWindowSize"/>) when that took at most four round trips, as go-yamux and
/// js-libp2p do. Sending: never more than the remote's window, at most <see cref="YamuxOptions.MaxFrameSize"/>
/// per frame, one frame per turn of the write loop.
/// </summary>
internal sealed partial class YamuxStream
{
    // Receiving, under _sync.
    private long _window = YamuxOptions.SpecInitialWindowSize;
    private long _credit = YamuxOptions.SpecInitialWindowSize;
    private long _buffered;
    private long _consumed;
    private long _epochStart;
    private bool _initialGrowthPending;
    private bool _windowUpdatePending;
    private bool _inputCompleted;

    // Sending, under _sync.
    private long _sendWindow = YamuxOptions.SpecInitialWindowSize;
    private YamuxFlags _pendingFlags;

    /// <summary>The current receive window (for tests).</summary>
    internal long ReceiveWindow
    {
        get
        {
            lock (_sync)
            {
                return _window;
            }
        }
    }

    /// <summary>A data frame header arrived: false if its length exceeds what we allowed.</summary>
    internal bool TryReserveReceive(uint length)
    {
        lock (_sync)
        {
            if (length > _credit)
            {
                return false;
            }

            _credit -= length;
            return true;
        }
    }

    /// <summary>Copies (part of) a data frame's payload into the receive pipe: the one copy on the way in.</summary>
    internal void Deliver(in ReadOnlySequence<byte> data)
    {
        lock (_sync)
        {
            if (!_receiveDone && !_inputCompleted)
            {
                var writer = _receive.Writer;
                foreach (var segment in data)
                {
                    writer.Write(segment.Span);
                }

                _buffered += data.Length;

                // The receive pipe never pauses (pauseWriterThreshold 0), so this completes at once.
                var flush = writer.FlushAsync();
                if (flush.IsCompleted)
                {
                    flush.GetAwaiter().GetResult();
                }

                return;
            }

            // Nobody will read it: count it as consumed so the remote is not stalled.
            if (!OnConsumedLocked(data.Length))
            {
                return;
            }
        }

        _session.Schedule(this);
    }

    /// <summary>The application consumed <paramref name="bytes"/> from <see cref="Input"/>.</summary>
    internal void OnConsumed(long bytes)
    {
        bool schedule;
        lock (_sync)
        {
            _buffered -= bytes;
            schedule = OnConsumedLocked(bytes);
        }

        if (schedule)
        {
            _session.Schedule(this);
        }
    }

    /// <summary>The application completed <see cref="Input"/>: discard what is buffered and what still comes.</summary>
    internal void OnInputCompleted()
    {
        bool schedule;
        lock (_sync)
        {
            if (_inputCompleted)
            {
                return;
            }

            _inputCompleted = true;
            var buffered = _buffered;
            _buffered = 0;
            schedule = OnConsumedLocked(buffered);
        }

        if (schedule)
        {
            _session.Schedule(this);
        }
    }

    private bool OnConsumedLocked(long bytes)
    {
        _consumed += bytes;
        if (_aborted || _finReceived || _windowUpdatePending || _consumed < _window / 2)
        {
            return false;
        }

        _windowUpdatePending = true;
        return true;
    }

    /// <summary>The remote granted <paramref name="delta"/> more bytes.</summary>
    internal void OnWindowUpdate(uint delta)
    {
        lock (_sync)
        {
            if (_sendDone)
            {
                return;
            }

            _sendWindow = Math.Min(_sendWindow + delta, uint.MaxValue);
        }

        _session.Schedule(this);
    }

    /// <summary>The application flushed <see cref="Output"/>.</summary>
    internal void OnOutputFlushed() => _session.Schedule(this);

    /// <summary>The application completed <see cref="Output"/>: FIN after the buffered data.</summary>
    internal void OnOutputCompleted() => _session.Schedule(this);

    /// <summary>
    /// Called by the write loop: writes this stream's pending frames (RST, or SYN/ACK/window update, then at most
    /// one data frame or the FIN) into <paramref name="output"/>; returns the bytes written. Re-queues itself when
    /// more data could go right away.
    /// </summary>
    internal int WriteFrames(PipeWriter output)
    {
        var written = 0;
        var more = false;
        var closed = false;
        lock (_sync)
        {
            if (_resetPending)
            {
                _resetPending = false;
                new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, StreamId, 0).Write(output);
                return YamuxHeader.Size;
            }

            if (_aborted)
            {
                return 0;
            }

            if (_pendingFlags != YamuxFlags.None || _windowUpdatePending)
            {
                var flags = _pendingFlags;
                var delta = TakeWindowDeltaLocked(growable: flags == YamuxFlags.None);
                _pendingFlags = YamuxFlags.None;
                _windowUpdatePending = false;
                if (delta > 0 || flags != YamuxFlags.None)
                {
                    new YamuxHeader(YamuxFrameType.WindowUpdate, flags, StreamId, delta).Write(output);
                    written += YamuxHeader.Size;
                }
            }

            if (!_sendDone && _send.Reader.TryRead(out var result))
            {
                var buffer = result.Buffer;
                var length = Math.Min(buffer.Length, Math.Min(_sendWindow, _session.Options.MaxFrameSize));
                var fin = result.IsCompleted && length == buffer.Length;
                if (length > 0)
                {
                    new YamuxHeader(YamuxFrameType.Data, YamuxFlags.None, StreamId, (uint)length).Write(output);
                    foreach (var segment in buffer.Slice(0, length))
                    {
                        output.Write(segment.Span);
                    }

                    _sendWindow -= length;
                    written += YamuxHeader.Size + (int)length;
                }

                // FIN goes in its own frame, as go-yamux sends it: js-libp2p 3.x loses data that arrives with a
                // FIN while multistream-select is still unwrapping the stream.
                if (fin)
                {
                    new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, StreamId, 0).Write(output);
                    written += YamuxHeader.Size;
                }

                if (fin)
                {
                    _send.Reader.AdvanceTo(buffer.End);
                    _send.Reader.Complete();
                    _sendDone = true;
                    _finSent = true;
                    closed = _finReceived;
                }
                else
                {
                    _send.Reader.AdvanceTo(buffer.GetPosition(length));
                    more = length < buffer.Length && _sendWindow > 0; // at zero, the next window update re-queues us
                }
            }
        }

        if (closed)
        {
            OnClosed();
        }
        else if (more)
        {
            _session.Schedule(this);
        }

        return written;
    }

    /// <summary>The window update to send now: the consumed bytes, plus any growth of the window.</summary>
    private uint TakeWindowDeltaLocked(bool growable)
    {
        var now = _session.Time.GetTimestamp();
        var delta = _consumed;
        var maxWindow = _session.Options.MaxStreamWindowSize;
        if (_initialGrowthPending)
        {
            // The first frame announces the configured initial window on top of the spec's 256 KiB.
            _initialGrowthPending = false;
            var target = _session.Options.InitialStreamWindowSize;
            delta += target - _window;
            _window = target;
        }
        else if (growable && _window < maxWindow && _session.RttTimestamp is var rtt and >= 0 && now - _epochStart <= 4 * rtt)
        {
            // Half the window went by within ~one round trip (four, like go-yamux and js-libp2p): the window,
            // not the application, limits this stream, so double it.
            var grown = Math.Min(_window * 2, maxWindow);
            delta += grown - _window;
            _window = grown;
            Log.WindowGrown(_session.Logger, StreamId, grown);
        }

        _consumed = 0;
        _credit += delta;
        _epochStart = now;
        return (uint)delta;
    }
}
