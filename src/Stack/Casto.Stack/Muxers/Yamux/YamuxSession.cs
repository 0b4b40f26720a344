// Spec: https://github.com/libp2p/specs/blob/master/yamux/README.md (copy of https://github.com/hashicorp/yamux/blob/master/spec.md)
// One session per connection: a read loop (YamuxSession.Read.cs) parses frames and dispatches them to streams;
// a write loop (YamuxSession.Write.cs) is the only writer of the connection and serializes control frames and
// stream frames onto it; keep-alive pings and round-trip times live in YamuxSession.KeepAlive.cs.
using System.IO.Pipelines;
using System.Threading.Channels;
using Casto.Stack.Connections;
using Microsoft.Extensions.Logging;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>A yamux session over one connection.</summary>
internal sealed partial class YamuxSession : IMuxedConnection
{
    private readonly IDuplexConnection _connection;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly ILogger _logger;
    private readonly bool _isInitiator;

    // Guards everything below; taken after (never before) a stream's own lock.
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, YamuxStream> _streams = [];
    private readonly Channel<YamuxStream> _accepted =
        Channel.CreateUnbounded<YamuxStream>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _run;
    private long _nextStreamId;
    private int _inboundCount;
    private int _outboundCount;
    private int _backlogCount;
    private int _unackedCount;
    private TaskCompletionSource? _ackSlotFreed;
    private bool _localGoAway;
    private bool _remoteGoAway;
    private bool _goAwaySent;
    private bool _shutdown;
    private YamuxException? _error;

    public YamuxSession(IDuplexConnection connection, bool isInitiator, YamuxOptions options, ILogger logger)
    {
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _isInitiator = isInitiator;
        _nextStreamId = isInitiator ? 1 : 2;
        Options = options;
        Time = options.TimeProvider;
        _logger = logger;
        ReceivePipeOptions = new PipeOptions(
            pool: options.MemoryPool,
            readerScheduler: PipeScheduler.ThreadPool,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0, // never blocks the read loop: the receive window bounds what a stream buffers
            resumeWriterThreshold: 0,
            minimumSegmentSize: 16 * 1024,
            useSynchronizationContext: false);
        SendPipeOptions = new PipeOptions(
            pool: options.MemoryPool,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: options.StreamWriteBufferSize,
            resumeWriterThreshold: options.StreamWriteBufferSize / 2,
            minimumSegmentSize: 16 * 1024,
            useSynchronizationContext: false);

        Log.SessionStarted(_logger, isInitiator ? "initiator" : "responder");
        StartKeepAlive();
        var reading = ReadLoopAsync();
        var writing = WriteLoopAsync();
        _run = RunAsync(reading, writing);
    }

    internal YamuxOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger => _logger;

    internal PipeOptions ReceivePipeOptions { get; }

    internal PipeOptions SendPipeOptions { get; }

    /// <inheritdoc/>
    public Task Completion => _completion.Task;

    /// <inheritdoc/>
    public bool CanOpenStreams
    {
        get
        {
            lock (_lock)
            {
                return !_shutdown && !_localGoAway && !_remoteGoAway;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IMuxedStream> OpenStreamAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task? wait = null;
            YamuxStream? stream = null;
            lock (_lock)
            {
                ThrowIfCannotOpenLocked();
                if (_outboundCount >= Options.MaxStreams)
                {
                    throw new YamuxException(YamuxError.StreamLimit, $"Cannot open more than {Options.MaxStreams} streams.");
                }

                if (_unackedCount >= Options.MaxAckBacklog)
                {
                    // Spec "ACK backlog": wait until the remote acknowledges one of our streams.
                    _ackSlotFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _ackSlotFreed.Task;
                }
                else
                {
                    if (_nextStreamId > uint.MaxValue)
                    {
                        throw new YamuxException(YamuxError.StreamLimit, "The session ran out of stream ids.");
                    }

                    var id = (uint)_nextStreamId;
                    _nextStreamId += 2;
                    _unackedCount++;
                    _outboundCount++;
                    stream = new YamuxStream(this, id, isOutbound: true);
                    _streams.Add(id, stream);
                }
            }

            if (stream is not null)
            {
                Schedule(stream); // sends the SYN window update
                return stream;
            }

            await wait!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IMuxedStream?> AcceptStreamAsync(CancellationToken cancellationToken = default)
    {
        while (await _accepted.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_accepted.Reader.TryRead(out var stream))
            {
                lock (_lock)
                {
                    if (!_shutdown)
                    {
                        _backlogCount--;
                    }
                }

                stream.OnAccepted(); // sends the ACK window update
                return stream;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_localGoAway)
            {
                _localGoAway = true;
                EnqueueGoAwayLocked(YamuxGoAwayCode.Normal);
            }

            if (_inboundCount + _outboundCount == 0)
            {
                _drained.TrySetResult();
            }
        }

        WriteSignal.Set();

        // Streams the application never accepted will not be used: refuse them.
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var refused))
        {
            lock (_lock)
            {
                if (!_shutdown)
                {
                    _backlogCount--;
                }
            }

            refused.Reset();
        }

        try
        {
            await _drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Shutdown(null, goAway: null);
            await _run.ConfigureAwait(false);
            throw;
        }

        Shutdown(null, goAway: null);
        await _run.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Shutdown(null, YamuxGoAwayCode.Normal);
        await _run.ConfigureAwait(false);
    }

    /// <summary>Ends the session: fails every stream, stops both loops; the first call wins.</summary>
    internal void Shutdown(YamuxException? error, YamuxGoAwayCode? goAway)
    {
        YamuxStream[] streams;
        TaskCompletionSource? ackWaiters;
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            _shutdown = true;
            _error = error;
            if (goAway is { } code)
            {
                EnqueueGoAwayLocked(code);
            }

            streams = [.. _streams.Values];
            foreach (var stream in streams)
            {
                stream.Removed = true;
            }

            _streams.Clear();
            _inboundCount = _outboundCount = _backlogCount = _unackedCount = 0;
            ackWaiters = _ackSlotFreed;
            _ackSlotFreed = null;
        }

        // Stop both loops (outside the lock: a transport may run their continuations inline).
        _input.CancelPendingRead();
        _output.CancelPendingFlush();

        if (error is not null)
        {
            Log.SessionFailed(_logger, error.Error, error);
        }

        StopKeepAlive();
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out _))
        {
            // Pending accepts return null; the streams are failed below.
        }

        var reason = error ?? new YamuxException(YamuxError.SessionClosed, "The yamux session has ended.");
        foreach (var stream in streams)
        {
            stream.Abort(reason);
        }

        ackWaiters?.TrySetResult();
        _drained.TrySetResult();
        WriteSignal.Set();
    }

    /// <summary>Forgets a stream that is closed both ways or reset.</summary>
    internal void RemoveStream(YamuxStream stream)
    {
        lock (_lock)
        {
            if (stream.Removed)
            {
                return;
            }

            stream.Removed = true;
            _streams.Remove(stream.StreamId);
            if (stream.IsOutbound)
            {
                _outboundCount--;
            }
            else
            {
                _inboundCount--;
            }

            if (_localGoAway && _inboundCount + _outboundCount == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>An outbound stream was acknowledged, reset or closed: one more stream may be opened.</summary>
    internal void ReleaseAckSlot()
    {
        TaskCompletionSource? waiters;
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            _unackedCount--;
            waiters = _ackSlotFreed;
            _ackSlotFreed = null;
        }

        waiters?.TrySetResult();
    }

    private void ThrowIfCannotOpenLocked()
    {
        if (_shutdown)
        {
            throw new YamuxException(YamuxError.SessionClosed, "The yamux session has ended.", _error);
        }

        if (_localGoAway)
        {
            throw new YamuxException(YamuxError.SessionClosed, "The yamux session is closing.");
        }

        if (_remoteGoAway)
        {
            throw new YamuxException(YamuxError.GoAway, "The remote sent go-away: no new streams.");
        }
    }

    private bool IsShutdown()
    {
        lock (_lock)
        {
            return _shutdown;
        }
    }

    private async Task RunAsync(Task reading, Task writing)
    {
        await Task.WhenAll(reading, writing).ConfigureAwait(false);
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            Log.DisposeFailed(_logger, ex);
        }

        Log.SessionEnded(_logger);
        if (_error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(_error);
        }
    }
}
