using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Memory;

namespace Casto.Relay.Tests.Tree;

/// <summary>
/// A transport whose accepted connections hold every chunk for <c>oneWay</c> in each direction (a round trip costs
/// 2 × oneWay more): a node "far away" from everyone who dials it. Its own dials are not delayed. Test code: it pumps bytes.
/// </summary>
internal sealed class LaggedTransport(ITransport inner, TimeSpan oneWay) : ITransport
{
    public bool CanHandle(Multiaddr address) => inner.CanHandle(address);

    public ValueTask<IDuplexConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default) => inner.DialAsync(address, cancellationToken);

    public async ValueTask<IConnectionListener> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default) =>
        new Listener(await inner.ListenAsync(address, cancellationToken), oneWay);

    private sealed class Listener(IConnectionListener inner, TimeSpan lag) : IConnectionListener
    {
        public Multiaddr LocalAddress => inner.LocalAddress;

        public async ValueTask<IDuplexConnection?> AcceptAsync(CancellationToken cancellationToken = default) =>
            await inner.AcceptAsync(cancellationToken) is { } accepted ? new Lagged(accepted, lag) : null;

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class Lagged : IDuplexConnection
    {
        private readonly IDuplexConnection _inner;
        private readonly Pipe _in = new(new PipeOptions(useSynchronizationContext: false));
        private readonly Pipe _out = new(new PipeOptions(useSynchronizationContext: false));
        private readonly Task _sending;

        public Lagged(IDuplexConnection inner, TimeSpan lag)
        {
            _inner = inner;
            Transport = new DuplexPipe(_in.Reader, _out.Writer);
            _ = PumpAsync(inner.Transport.Input, _in.Writer, lag);
            _sending = PumpAsync(_out.Reader, inner.Transport.Output, lag);
        }

        public IDuplexPipe Transport { get; }

        public Multiaddr LocalAddress => _inner.LocalAddress;

        public Multiaddr RemoteAddress => _inner.RemoteAddress;

        public CancellationToken Closed => _inner.Closed;

        public void Abort(Exception? reason = null)
        {
            _inner.Abort(reason);
            _out.Reader.Complete(reason);
            _in.Writer.Complete(reason);
        }

        public async ValueTask DisposeAsync()
        {
            _out.Writer.Complete();
            _in.Reader.Complete();
            await _sending.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        /// <summary>Delivers every chunk read from <paramref name="from"/> <paramref name="lag"/> later, in order.</summary>
        private static async Task PumpAsync(PipeReader from, PipeWriter to, TimeSpan lag)
        {
            var queue = Channel.CreateUnbounded<(long Due, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            Task delivering = DeliverAsync(queue.Reader, to);
            Exception? error = null;
            try
            {
                while (true)
                {
                    ReadResult read = await from.ReadAsync().ConfigureAwait(false);
                    if (!read.Buffer.IsEmpty)
                    {
                        queue.Writer.TryWrite((TimeProvider.System.GetTimestamp() + (long)(lag.TotalSeconds * TimeProvider.System.TimestampFrequency), read.Buffer.ToArray()));
                    }

                    from.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted || read.IsCanceled)
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
            await delivering.ConfigureAwait(false);
            await from.CompleteAsync(error).ConfigureAwait(false);
            await to.CompleteAsync(error).ConfigureAwait(false);
        }

        private static async Task DeliverAsync(ChannelReader<(long Due, byte[] Data)> queue, PipeWriter to)
        {
            try
            {
                await foreach (var (due, data) in queue.ReadAllAsync().ConfigureAwait(false))
                {
                    TimeSpan wait = TimeProvider.System.GetElapsedTime(TimeProvider.System.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait).ConfigureAwait(false);
                    }

                    if ((await to.WriteAsync(data).ConfigureAwait(false)).IsCompleted)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
            {
                // the other side is gone: drop the rest
            }
        }
    }
}
