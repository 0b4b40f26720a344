using System.Buffers;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>The read loop: parses frames from the connection and dispatches them.</summary>
internal sealed partial class YamuxSession
{
    // The data frame being received (its payload may span many reads; it is never buffered whole).
    private long _payloadRemaining;
    private YamuxStream? _payloadStream; // null: discard the payload
    private bool _payloadFin;

    private async Task ReadLoopAsync()
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        YamuxException? error = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled && IsShutdown())
                {
                    break;
                }

                var buffer = result.Buffer;
                try
                {
                    ProcessFrames(ref buffer);
                }
                finally
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty || _payloadRemaining > 0)
                    {
                        throw new YamuxException(YamuxError.ConnectionError, "The connection ended in the middle of a yamux frame.");
                    }

                    break; // the remote closed the connection between frames: a clean end
                }
            }
        }
        catch (YamuxException ex)
        {
            error = ex;
        }
        catch (Exception ex)
        {
            error = new YamuxException(YamuxError.ConnectionError, "Reading from the connection failed.", ex);
        }

        Shutdown(error, error?.Error is YamuxError.ProtocolError or YamuxError.InvalidVersion or YamuxError.WindowExceeded
            ? YamuxGoAwayCode.ProtocolError
            : null);
        _input.Complete();
    }

    private void ProcessFrames(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (_payloadRemaining > 0)
            {
                if (buffer.IsEmpty)
                {
                    return;
                }

                var length = Math.Min(_payloadRemaining, buffer.Length);
                _payloadStream?.Deliver(buffer.Slice(0, length));
                buffer = buffer.Slice(length);
                _payloadRemaining -= length;
                if (_payloadRemaining > 0)
                {
                    return;
                }

                if (_payloadFin)
                {
                    _payloadStream?.OnRemoteFin();
                }

                _payloadStream = null;
                _payloadFin = false;
                continue;
            }

            if (!YamuxHeader.TryRead(buffer, out var header))
            {
                return;
            }

            buffer = buffer.Slice(YamuxHeader.Size);
            switch (header.Type)
            {
                case YamuxFrameType.Data:
                case YamuxFrameType.WindowUpdate:
                    HandleStreamFrame(header);
                    break;
                case YamuxFrameType.Ping:
                    HandlePing(header);
                    break;
                default:
                    HandleGoAway(header);
                    break;
            }
        }
    }

    private void HandleStreamFrame(YamuxHeader header)
    {
        var isData = header.Type == YamuxFrameType.Data;
        if (header.StreamId == 0)
        {
            throw new YamuxException(YamuxError.ProtocolError, $"A {header.Type} frame on stream 0.");
        }

        if (isData && header.Length > Options.MaxStreamWindowSize)
        {
            throw new YamuxException(YamuxError.WindowExceeded, $"A {header.Length}-byte data frame exceeds any receive window.");
        }

        YamuxStream? stream;
        if (header.Has(YamuxFlags.Syn))
        {
            stream = OpenInbound(header.StreamId);
            if (stream is null && isData && header.Length > YamuxOptions.SpecInitialWindowSize)
            {
                throw new YamuxException(YamuxError.WindowExceeded, $"A {header.Length}-byte data frame exceeds the initial window.");
            }
        }
        else
        {
            lock (_lock)
            {
                _streams.TryGetValue(header.StreamId, out stream);
            }
        }

        if (stream is null || header.Has(YamuxFlags.Rst))
        {
            // Unknown streams are ones we reset or refused (frames may still be in flight): skip them.
            stream?.OnRemoteReset();
            if (isData)
            {
                SkipPayload(header.Length);
            }

            return;
        }

        if (header.Has(YamuxFlags.Ack))
        {
            stream.OnAck();
        }

        if (isData)
        {
            if (!stream.TryReserveReceive(header.Length))
            {
                throw new YamuxException(
                    YamuxError.WindowExceeded, $"A {header.Length}-byte data frame exceeds stream {header.StreamId}'s receive window.");
            }

            if (header.Length > 0)
            {
                _payloadStream = stream;
                _payloadRemaining = header.Length;
                _payloadFin = header.Has(YamuxFlags.Fin);
                return;
            }
        }
        else if (header.Length > 0)
        {
            stream.OnWindowUpdate(header.Length);
        }

        if (header.Has(YamuxFlags.Fin))
        {
            stream.OnRemoteFin();
        }
    }

    private void SkipPayload(uint length)
    {
        _payloadStream = null;
        _payloadRemaining = length;
        _payloadFin = false;
    }

    /// <summary>A SYN from the remote: a new stream in the accept backlog, or null when refused (RST sent).</summary>
    private YamuxStream? OpenInbound(uint id)
    {
        if ((id & 1) == (_isInitiator ? 1u : 0u))
        {
            throw new YamuxException(YamuxError.ProtocolError, $"The remote opened stream {id}, an id of our parity.");
        }

        YamuxStream? stream = null;
        string? refusal = null;
        lock (_lock)
        {
            if (_streams.ContainsKey(id))
            {
                throw new YamuxException(YamuxError.ProtocolError, $"The remote opened stream {id} twice.");
            }

            if (_localGoAway || _shutdown)
            {
                refusal = "the session is closing";
            }
            else if (_inboundCount >= Options.MaxStreams)
            {
                refusal = "too many inbound streams";
            }
            else if (_backlogCount >= Options.MaxAcceptBacklog)
            {
                refusal = "the accept backlog is full";
            }
            else
            {
                stream = new YamuxStream(this, id, isOutbound: false);
                _streams.Add(id, stream);
                _inboundCount++;
                _backlogCount++;
            }

            if (refusal is not null)
            {
                EnqueueAnswerLocked(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, id, 0));
            }
        }

        if (refusal is not null)
        {
            Log.StreamRefused(_logger, id, refusal);
            WriteSignal.Set();
            return null;
        }

        if (!_accepted.Writer.TryWrite(stream!))
        {
            stream!.Reset(); // closing raced with this SYN
        }

        return stream;
    }

    private void HandlePing(YamuxHeader header)
    {
        if (header.Has(YamuxFlags.Syn))
        {
            lock (_lock)
            {
                EnqueueAnswerLocked(header with { Flags = YamuxFlags.Ack, StreamId = 0 });
            }

            WriteSignal.Set();
        }
        else if (header.Has(YamuxFlags.Ack))
        {
            OnPong(header.Length);
        }
    }

    private void HandleGoAway(YamuxHeader header)
    {
        if (header.Length != (uint)YamuxGoAwayCode.Normal)
        {
            var name = header.Length == (uint)YamuxGoAwayCode.ProtocolError ? "protocol error"
                : header.Length == (uint)YamuxGoAwayCode.InternalError ? "internal error"
                : "unknown code";
            throw new YamuxException(YamuxError.GoAway, $"The remote ended the session with go-away {header.Length} ({name}).");
        }

        lock (_lock)
        {
            _remoteGoAway = true;
        }

        Log.RemoteGoAway(_logger);
    }
}
