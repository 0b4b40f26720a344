using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>
/// The application's ends of a stream's pipes: thin wrappers that tell the stream what the application consumed
/// (for window updates), flushed (to wake the write loop) and completed (FIN, discard or reset).
/// </summary>
internal sealed partial class YamuxStream
{
    private sealed class InputReader(YamuxStream stream, PipeReader inner) : PipeReader
    {
        private ReadOnlySequence<byte> _lastBuffer;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var pending = inner.ReadAsync(cancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                var result = pending.Result;
                _lastBuffer = result.Buffer;
                return new ValueTask<ReadResult>(result);
            }

            return AwaitRead(pending);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (inner.TryRead(out result))
            {
                _lastBuffer = result.Buffer;
                return true;
            }

            return false;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            var bytes = _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
            _lastBuffer = default;
            inner.AdvanceTo(consumed, examined);
            if (bytes > 0)
            {
                stream.OnConsumed(bytes);
            }
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null)
        {
            stream.OnInputCompleted(); // before completing, so the read loop stops writing first
            _lastBuffer = default;
            inner.Complete(exception);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<ReadResult> AwaitRead(ValueTask<ReadResult> pending)
        {
            var result = await pending.ConfigureAwait(false);
            _lastBuffer = result.Buffer;
            return result;
        }
    }

    private sealed class OutputWriter(YamuxStream stream, PipeWriter inner) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            var flush = inner.FlushAsync(cancellationToken); // commits the data first; may then wait for room
            stream.OnOutputFlushed();
            return flush;
        }

        /// <summary>Completing normally sends FIN after the buffered data; completing with an error resets the stream.</summary>
        public override void Complete(Exception? exception = null)
        {
            inner.Complete();
            if (exception is null)
            {
                stream.OnOutputCompleted();
            }
            else
            {
                stream.Reset();
            }
        }
    }
}
