using System.Buffers;
using System.IO.Pipelines;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports;
using Casto.Stack.Transports.Memory;

namespace Casto.Discovery.Signal.Tunnel;

/// <summary>
/// One end of a byte tunnel through a signal server: a raw connection (<see cref="IDuplexConnection"/>) for the libp2p
/// upgrade above it. What the upper layer writes is sent as DATA frames, each the bytes buffered at the time (up to
/// <see cref="SignalTransportOptions.MaxFramePayload"/>), one signal in flight at a time (the server's ack paces it);
/// what arrives goes to the input pipe, which holds at most <see cref="SignalTransportOptions.MaxBufferedBytes"/>
/// unread (more resets the tunnel: the signal connection's reader must never wait for one tunnel).
/// </summary>
internal sealed partial class SignalTunnel : IDuplexConnection
{
    private readonly SignalTunnels _owner;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _inputLock = new(); // the input writer is used by the receive loop, close and abort
    private int _sendStarted; // 1 once the send loop owns the output reader
    private int _sendDone;  // 1 once the send loop has ended (FIN sent, or failed)
    private int _inputDone; // 1 once the input writer is completed (FIN, reset or abort)
    private int _ended;     // 1 once reset or aborted

    public SignalTunnel(SignalTunnels owner, PeerId remote, uint id, bool opener, Multiaddr local, Multiaddr remoteAddress)
    {
        _owner = owner;
        (Remote, Id, Opener, LocalAddress, RemoteAddress) = (remote, id, opener, local, remoteAddress);
        long buffered = owner.Options.MaxBufferedBytes;
        _input = new Pipe(new PipeOptions(pauseWriterThreshold: buffered, resumeWriterThreshold: buffered / 2, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
    }

    public PeerId Remote { get; }

    public uint Id { get; }

    /// <summary>True on the end that opened the tunnel.</summary>
    public bool Opener { get; }

    public IDuplexPipe Transport { get; }

    public Multiaddr LocalAddress { get; }

    public Multiaddr RemoteAddress { get; }

    public CancellationToken Closed => _closed.Token;

    /// <summary>Completes when the listener accepted (opener side), fails when it refused.</summary>
    public Task Accepted => _accepted.Task;

    /// <summary>Starts sending what the upper layer writes (after the tunnel is accepted).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _sendStarted, 1) == 0)
        {
            _ = SendLoopAsync();
        }
    }

    internal void OnAccepted() => _accepted.TrySetResult();

    internal void OnData(ReadOnlySpan<byte> payload)
    {
        bool overflow;
        lock (_inputLock)
        {
            if (_inputDone != 0)
            {
                return;
            }

            _input.Writer.Write(payload);
            ValueTask<FlushResult> flush = _input.Writer.FlushAsync();
            overflow = !flush.IsCompleted;
            if (overflow)
            {
                _input.Writer.CancelPendingFlush();
            }
        }

        if (overflow)
        {
            // The reader is more than MaxBufferedBytes behind: we cannot wait (other tunnels share the reader), so reset.
            _owner.CountOverflow();
            Fail(new TransportException(TransportError.ConnectionAborted, $"The tunnel's reader fell more than {_owner.Options.MaxBufferedBytes} bytes behind."), sendReset: true, "buffer overflow");
        }
    }

    internal void OnFin()
    {
        if (CompleteInput(null))
        {
            CloseIfDone();
        }
    }

    /// <summary>Completes the input writer once (FIN, reset, abort or close); false when it already was.</summary>
    private bool CompleteInput(Exception? error)
    {
        lock (_inputLock)
        {
            if (_inputDone != 0)
            {
                return false;
            }

            _inputDone = 1;
            _input.Writer.Complete(error);
            return true;
        }
    }

    /// <summary>The remote reset (or refused) the tunnel.</summary>
    internal void OnReset(string reason)
    {
        var error = new TransportException(
            Accepted.IsCompleted ? TransportError.ConnectionAborted : TransportError.ConnectionRefused,
            $"{Remote} reset the tunnel: {reason}");
        _accepted.TrySetException(error);
        Fail(error, sendReset: false, reason);
    }

    public void Abort(Exception? reason = null) =>
        Fail(reason ?? new TransportException(TransportError.ConnectionAborted, "The tunnel was aborted."), sendReset: true, "aborted");

    /// <summary>Closes our side: what is buffered is sent, then FIN; the tunnel is forgotten once both sides are done.</summary>
    public async ValueTask DisposeAsync()
    {
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        CompleteInput(null); // we read no more: the remote's further data has nowhere to go
        if (Interlocked.Exchange(ref _sendStarted, 1) == 0)
        {
            // Never accepted (a dial that failed): no send loop will end, so end here.
            Volatile.Write(ref _sendDone, 1);
        }

        CloseIfDone();
    }

    private void Fail(Exception error, bool sendReset, string reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        if (sendReset)
        {
            _owner.SendControl(Remote, new TunnelControl(TunnelFrameType.Reset, Opener, Id, reason));
        }

        _accepted.TrySetException(error);
        CompleteInput(error);
        if (Interlocked.Exchange(ref _sendStarted, 1) == 0)
        {
            _output.Reader.Complete(error); // no send loop owns the reader: the writer's next flush fails
            Volatile.Write(ref _sendDone, 1);
        }
        else
        {
            _output.Reader.CancelPendingRead(); // the send loop ends and completes the reader
        }

        End();
    }

    private void CloseIfDone()
    {
        if (Volatile.Read(ref _inputDone) != 0 && Volatile.Read(ref _sendDone) != 0)
        {
            End();
        }
    }

    private void End()
    {
        _owner.Remove(this);
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
