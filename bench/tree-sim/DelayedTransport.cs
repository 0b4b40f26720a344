using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Memory;

namespace Casto.TreeSim;

/// <summary>
/// The memory transport with a one-way network delay on the virtual clock: a dialer's connection holds every chunk
/// for <c>delay</c> each way (so a round trip costs 2 × delay); with <c>listenerDelay</c> (the dialled node's own
/// delay), for the mean of both ends' delays. Bench code: it pumps bytes, which the product's layers never do.
/// </summary>
internal sealed class DelayedTransport(ITransport inner, TimeSpan ownDelay, TimeProvider clock, Func<Multiaddr, TimeSpan?>? listenerDelay = null) : ITransport
{
    public bool CanHandle(Multiaddr address) => inner.CanHandle(address);

    public ValueTask<IConnectionListener> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default) => inner.ListenAsync(address, cancellationToken);

    public async ValueTask<IDuplexConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        var connection = await inner.DialAsync(address, cancellationToken).ConfigureAwait(false);
        TimeSpan delay = listenerDelay?.Invoke(address) is { } theirs ? (ownDelay + theirs) / 2 : ownDelay;
        await Task.Delay(2 * delay, clock, cancellationToken).ConfigureAwait(false); // TCP's handshake: one round trip
        return delay <= TimeSpan.Zero ? connection : new DelayedConnection(connection, delay, clock);
    }
}

/// <summary>
/// A connection that delivers every chunk <c>delay</c> after it was written, each way, in order, on <c>clock</c> (the
/// virtual clock here; <see cref="TimeProvider.System"/> in the tests' LaggedTransport). Bench and test code: it pumps bytes.
/// </summary>
internal sealed class DelayedConnection : IDuplexConnection
{
    private readonly IDuplexConnection _inner;
    private int _pumpsLeft = 2;
    private readonly Pipe _up = new(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));
    private readonly Pipe _down = new(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));

    public DelayedConnection(IDuplexConnection inner, TimeSpan delay, TimeProvider clock)
    {
        _inner = inner;
        Transport = new DuplexPipe(_down.Reader, _up.Writer);
        _ = PumpAsync(_up.Reader, inner.Transport.Output, delay, clock);
        _ = PumpAsync(inner.Transport.Input, _down.Writer, delay, clock);
    }

    public IDuplexPipe Transport { get; }

    public Multiaddr LocalAddress => _inner.LocalAddress;

    public Multiaddr RemoteAddress => _inner.RemoteAddress;

    public CancellationToken Closed => _inner.Closed;

    public void Abort(Exception? reason = null)
    {
        _inner.Abort(reason);
        _up.Reader.Complete(reason);
        _down.Writer.Complete(reason);
    }

    public ValueTask DisposeAsync()
    {
        _up.Writer.Complete();
        _down.Reader.Complete();
        return ValueTask.CompletedTask; // the pumps complete the inner pipes, then the inner connection is released
    }

    /// <summary>Reads chunks as they come and delivers each <paramref name="delay"/> later, in order.</summary>
    private async Task PumpAsync(PipeReader from, PipeWriter to, TimeSpan delay, TimeProvider clock)
    {
        var queue = Channel.CreateUnbounded<(long Due, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task deliver = DeliverAsync(queue.Reader, to, clock);
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult read = await from.ReadAsync().ConfigureAwait(false);
                if (!read.Buffer.IsEmpty)
                {
                    queue.Writer.TryWrite((clock.GetTimestamp() + (long)(delay.TotalSeconds * clock.TimestampFrequency), read.Buffer.ToArray()));
                }

                from.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled || deliver.IsCompleted) // the far end stopped reading: stop queueing
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            error = ex;
        }

        queue.Writer.TryComplete();
        await deliver.ConfigureAwait(false);
        await from.CompleteAsync(error).ConfigureAwait(false);
        await to.CompleteAsync(error).ConfigureAwait(false);
        if (Interlocked.Decrement(ref _pumpsLeft) == 0)
        {
            await _inner.DisposeAsync().ConfigureAwait(false); // both directions are done: the inner connection is released once
        }
    }

    private static async Task DeliverAsync(ChannelReader<(long Due, byte[] Data)> queue, PipeWriter to, TimeProvider clock)
    {
        try
        {
            await foreach (var (due, data) in queue.ReadAllAsync().ConfigureAwait(false))
            {
                TimeSpan wait = clock.GetElapsedTime(clock.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock).ConfigureAwait(false);
                }

                if ((await to.WriteAsync(data).ConfigureAwait(false)).IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            // the other side completed: drop the rest
        }
    }
}
