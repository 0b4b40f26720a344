// An in-memory transport for tests: two pipes crossed over, with the same back-pressure a socket has.
using System.IO.Pipelines;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Transports.Memory;

/// <summary>One end of an in-memory connection. Create pairs with <see cref="CreatePair"/>.</summary>
public sealed class MemoryConnection : IDuplexConnection
{
    /// <summary>Default bytes buffered per direction before the writer waits (like a socket buffer).</summary>
    public const long DefaultBufferSize = 256 * 1024;

    private readonly Shared _shared;
    private readonly Pipe _outgoing;
    private readonly Pipe _incoming;

    private MemoryConnection(Shared shared, Pipe incoming, Pipe outgoing, Multiaddr local, Multiaddr remote)
    {
        _shared = shared;
        _incoming = incoming;
        _outgoing = outgoing;
        Transport = new DuplexPipe(incoming.Reader, outgoing.Writer);
        LocalAddress = local;
        RemoteAddress = remote;
    }

    /// <inheritdoc/>
    public IDuplexPipe Transport { get; }

    /// <inheritdoc/>
    public Multiaddr LocalAddress { get; }

    /// <inheritdoc/>
    public Multiaddr RemoteAddress { get; }

    /// <inheritdoc/>
    public CancellationToken Closed => _shared.Closed.Token;

    /// <summary>Creates two connected ends; what one writes the other reads.</summary>
    public static (MemoryConnection Client, MemoryConnection Server) CreatePair(
        Multiaddr? clientAddress = null, Multiaddr? serverAddress = null, long bufferSize = DefaultBufferSize)
    {
        var options = new PipeOptions(
            pool: new Buffers.BlockMemoryPool(maxRetainedBlocks: 256),
            pauseWriterThreshold: bufferSize,
            resumeWriterThreshold: bufferSize / 2,
            useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var toClient = new Pipe(options);
        var shared = new Shared();
        clientAddress ??= Multiaddr.Parse("/memory/1");
        serverAddress ??= Multiaddr.Parse("/memory/2");
        return (
            new MemoryConnection(shared, toClient, toServer, clientAddress, serverAddress),
            new MemoryConnection(shared, toServer, toClient, serverAddress, clientAddress));
    }

    /// <inheritdoc/>
    public void Abort(Exception? reason = null) =>
        _shared.Abort(_outgoing, _incoming, reason ?? new TransportException(TransportError.ConnectionAborted, "The connection was aborted."));

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Transport.Output.Complete();
        Transport.Input.Complete();
        _shared.ReleaseOne();
        return ValueTask.CompletedTask;
    }

    private sealed class Shared
    {
        private int _open = 2;

        public CancellationTokenSource Closed { get; } = new();

        /// <summary>
        /// Aborts from one end, as a reset socket would: the remote's reads fail with the reason and its writes
        /// fail too. The aborting end must not use its pipes afterwards.
        /// </summary>
        public void Abort(Pipe outgoing, Pipe incoming, Exception reason)
        {
            outgoing.Writer.Complete(reason);
            incoming.Reader.Complete(reason);
            Cancel();
        }

        public void ReleaseOne()
        {
            if (Interlocked.Decrement(ref _open) == 0)
            {
                Cancel();
            }
        }

        private void Cancel()
        {
            try
            {
                Closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}

/// <summary>A plain <see cref="IDuplexPipe"/> over a reader and a writer.</summary>
public sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    /// <inheritdoc/>
    public PipeReader Input { get; } = input;

    /// <inheritdoc/>
    public PipeWriter Output { get; } = output;
}
