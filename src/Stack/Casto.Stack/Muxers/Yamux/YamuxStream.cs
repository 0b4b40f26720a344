using System.IO.Pipelines;
using Casto.Stack.Connections;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>
/// One yamux stream. The remote's data lands in a receive <see cref="Pipe"/> the application reads through
/// <see cref="Input"/>; what the application writes to <see cref="Output"/> waits in a send <see cref="Pipe"/>
/// until the session's write loop frames it within the remote's window (<see cref="YamuxStream"/>'s Flow part).
/// The session-side ends of both pipes are only touched under <see cref="_sync"/>, so a reset from any thread
/// never races the read or write loop.
/// </summary>
internal sealed partial class YamuxStream : IMuxedStream
{
    private readonly YamuxSession _session;
    private readonly Lock _sync = new();
    private readonly Pipe _receive;
    private readonly Pipe _send;
    private readonly InputReader _input;
    private readonly OutputWriter _output;

    // Lifecycle, under _sync.
    private bool _aborted;       // reset (either side) or the session ended: no more frames
    private bool _resetPending;  // we reset: the write loop owes the remote an RST
    private bool _finSent;
    private bool _finReceived;
    private bool _receiveDone;   // _receive.Writer completed
    private bool _sendDone;      // _send.Reader completed
    private int _holdsAckSlot;   // outbound and not yet acknowledged (Interlocked)

    public YamuxStream(YamuxSession session, uint id, bool isOutbound)
    {
        _session = session;
        StreamId = id;
        IsOutbound = isOutbound;
        _receive = new Pipe(session.ReceivePipeOptions);
        _send = new Pipe(session.SendPipeOptions);
        _input = new InputReader(this, _receive.Reader);
        _output = new OutputWriter(this, _send.Writer);
        _epochStart = session.Time.GetTimestamp();
        _initialGrowthPending = session.Options.InitialStreamWindowSize > YamuxOptions.SpecInitialWindowSize;
        if (isOutbound)
        {
            _pendingFlags = YamuxFlags.Syn;
            _holdsAckSlot = 1;
        }
    }

    public uint StreamId { get; }

    public bool IsOutbound { get; }

    /// <summary>In the session's write queue (guarded by the session lock).</summary>
    internal bool Queued { get; set; }

    /// <summary>No longer in the session's stream table (guarded by the session lock).</summary>
    internal bool Removed { get; set; }

    /// <inheritdoc/>
    public long Id => StreamId;

    /// <inheritdoc/>
    public PipeReader Input => _input;

    /// <inheritdoc/>
    public PipeWriter Output => _output;

    /// <inheritdoc/>
    public void Reset()
    {
        lock (_sync)
        {
            if (_aborted || (_finSent && _finReceived))
            {
                return;
            }

            FailPipes(new YamuxException(YamuxError.StreamReset, $"Stream {StreamId} was reset."));
            _resetPending = true;
        }

        ReleaseAckSlot();
        _session.RemoveStream(this);
        _session.Schedule(this);
    }

    /// <summary>Completes our side (FIN once buffered data is sent) and stops reading (later data is discarded).</summary>
    public ValueTask DisposeAsync()
    {
        _output.Complete();
        _input.Complete();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override string ToString() => $"yamux stream {StreamId}";

    /// <summary>The application accepted this inbound stream: acknowledge it.</summary>
    internal void OnAccepted()
    {
        lock (_sync)
        {
            if (_aborted)
            {
                return;
            }

            _pendingFlags |= YamuxFlags.Ack;
        }

        _session.Schedule(this);
    }

    /// <summary>The remote acknowledged this outbound stream.</summary>
    internal void OnAck() => ReleaseAckSlot();

    /// <summary>The remote reset the stream.</summary>
    internal void OnRemoteReset()
    {
        lock (_sync)
        {
            if (_aborted)
            {
                return;
            }

            FailPipes(new YamuxException(YamuxError.StreamReset, $"The remote reset stream {StreamId}."));
        }

        ReleaseAckSlot();
        _session.RemoveStream(this);
    }

    /// <summary>The remote half-closed: our input ends once its buffered data is read.</summary>
    internal void OnRemoteFin()
    {
        bool closed;
        lock (_sync)
        {
            if (_finReceived || _aborted)
            {
                return;
            }

            _finReceived = true;
            if (!_receiveDone)
            {
                _receiveDone = true;
                _receive.Writer.Complete();
            }

            closed = _finSent;
        }

        if (closed)
        {
            OnClosed();
        }
    }

    /// <summary>The session ended: fail both pipes without telling the remote.</summary>
    internal void Abort(YamuxException reason)
    {
        lock (_sync)
        {
            if (_aborted)
            {
                return;
            }

            FailPipes(reason);
        }

        ReleaseAckSlot();
    }

    private void FailPipes(YamuxException reason)
    {
        _aborted = true;
        if (!_receiveDone)
        {
            _receiveDone = true;
            _receive.Writer.Complete(reason);
        }

        if (!_sendDone)
        {
            _sendDone = true;
            _send.Reader.Complete(reason);
        }
    }

    /// <summary>Both sides sent FIN.</summary>
    private void OnClosed()
    {
        ReleaseAckSlot();
        _session.RemoveStream(this);
    }

    private void ReleaseAckSlot()
    {
        if (Interlocked.Exchange(ref _holdsAckSlot, 0) == 1)
        {
            _session.ReleaseAckSlot();
        }
    }
}
