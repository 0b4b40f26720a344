// Spec: https://github.com/libp2p/specs/blob/master/noise/README.md#wire-format (transport messages)
using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Casto.Stack.Connections;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// The plaintext side of a Noise connection's input. <see cref="ReadAsync"/> reads ciphertext frames from
/// the raw connection's reader and decrypts them into pooled buffers, which return to the pool as the
/// consumer advances past them. Frames are decrypted only when the consumer has examined everything
/// already buffered, so the plaintext held here is bounded by what the raw reader had buffered.
/// Single consumer, like any <see cref="PipeReader"/>.
/// </summary>
internal sealed partial class NoisePipeReader : PipeReader
{
    private readonly IDuplexConnection _connection;
    private readonly PipeReader _inner;
    private readonly CipherState _cipher;
    private bool _examinedAll = true;
    private bool _innerCompleted;
    private bool _completed;
    private ExceptionDispatchInfo? _failure;

    public NoisePipeReader(IDuplexConnection connection, CipherState cipher)
    {
        _connection = connection;
        _inner = connection.Transport.Input;
        _cipher = cipher;
    }

    /// <inheritdoc/>
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        return !_examinedAll || _innerCompleted ? new ValueTask<ReadResult>(Result(isCanceled: false)) : ReadCoreAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override bool TryRead(out ReadResult result)
    {
        ThrowIfUnusable();
        if (!_examinedAll || _innerCompleted)
        {
            result = Result(isCanceled: false);
            return true;
        }

        if (_inner.TryRead(out var raw) && Process(raw))
        {
            result = Result(raw.IsCanceled);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        ThrowIfUnusable();
        _examinedAll = Release(consumed, examined);
    }

    /// <inheritdoc/>
    public override void CancelPendingRead() => _inner.CancelPendingRead();

    /// <inheritdoc/>
    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        ReleaseAll();
        _cipher.Dispose();
        _inner.Complete(exception);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var raw = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (Process(raw))
            {
                return Result(raw.IsCanceled);
            }
        }
    }

    // Decrypts every whole frame in `raw` and advances the raw reader past them. True when the consumer
    // has something new to look at: plaintext, the end of the input, or a cancelled read.
    private bool Process(in ReadResult raw)
    {
        var buffer = raw.Buffer;
        var decrypted = false;
        var full = false;
        try
        {
            // Read ahead at most MaxReadAhead bytes of plaintext: the frames after it stay encrypted in the raw
            // pipe, so the plaintext (and its pooled arrays) held per connection stays small and recycled.
            // At least one frame is decrypted per call, so a consumer waiting for more than that still progresses.
            while (NoiseFrame.TryRead(buffer, out var message, out var consumed))
            {
                decrypted |= Decrypt(message);
                buffer = buffer.Slice(consumed);
                if (Buffered.Length >= MaxReadAhead)
                {
                    full = NoiseFrame.TryRead(buffer, out _, out _); // a whole frame is left for the next read
                    break;
                }
            }

            if (!full && raw.IsCompleted && !buffer.IsEmpty)
            {
                throw new NoiseException(NoiseError.Truncated, $"The connection ended in the middle of a Noise frame ({buffer.Length} bytes).");
            }
        }
        catch (NoiseException ex)
        {
            _inner.AdvanceTo(buffer.Start);
            _failure = ExceptionDispatchInfo.Capture(ex);
            _connection.Abort(ex);
            throw;
        }

        // Everything was examined unless we stopped early with whole frames left: then the next read must not wait.
        _inner.AdvanceTo(buffer.Start, full ? buffer.Start : raw.Buffer.End);
        _innerCompleted = raw.IsCompleted && !full;
        _examinedAll &= !decrypted;
        return decrypted || raw.IsCompleted || raw.IsCanceled;
    }

    // Decrypts one transport message onto the end of the plaintext buffer; false for an empty plaintext.
    private bool Decrypt(in ReadOnlySequence<byte> message)
    {
        var length = (int)message.Length;
        if (length <= NoiseFrame.TagSize)
        {
            Span<byte> tagOnly = stackalloc byte[NoiseFrame.TagSize];
            message.CopyTo(tagOnly);
            _cipher.DecryptWithAd([], tagOnly[..length], tagOnly);
            return false;
        }

        var destination = ReserveTail(length);
        if (message.IsSingleSegment)
        {
            _cipher.DecryptWithAd([], message.FirstSpan, destination);
        }
        else
        {
            message.CopyTo(destination);
            _cipher.DecryptWithAd([], destination, destination);
        }

        CommitTail(length - NoiseFrame.TagSize);
        return true;
    }

    private ReadResult Result(bool isCanceled) => new(Buffered, isCanceled, _innerCompleted);

    private void ThrowIfUnusable()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Reading is not allowed after the reader was completed.");
        }

        _failure?.Throw();
    }
}
