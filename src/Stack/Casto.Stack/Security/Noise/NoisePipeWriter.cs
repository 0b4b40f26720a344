// Spec: https://github.com/libp2p/specs/blob/master/noise/README.md#wire-format (transport messages)
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Casto.Stack.Connections;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// The plaintext side of a Noise connection's output. Plaintext is buffered in one pooled array of one
/// frame's size; when it is full, on <see cref="FlushAsync"/> and on <see cref="Complete"/> it is
/// encrypted in frames of at most 65519 bytes straight into the raw connection's writer (its
/// <c>GetSpan</c>), so ciphertext is written once. <see cref="WriteAsync"/> encrypts from the caller's
/// memory without buffering. Completing this writer completes the raw writer (half-close).
/// Single producer, like any <see cref="PipeWriter"/>.
/// </summary>
internal sealed partial class NoisePipeWriter : PipeWriter
{
    // WriteAsync flushes the raw writer every four full frames, so a large write honours back-pressure.
    private const int WriteChunkSize = 4 * NoiseFrame.MaxPlaintextSize;

    private readonly IDuplexConnection _connection;
    private readonly PipeWriter _inner;
    private readonly CipherState _cipher;
    private byte[]? _buffer;
    private int _capacity;
    private int _buffered;
    private bool _completed;
    private ExceptionDispatchInfo? _failure;

    public NoisePipeWriter(IDuplexConnection connection, CipherState cipher)
    {
        _connection = connection;
        _inner = connection.Transport.Output;
        _cipher = cipher;
    }

    /// <inheritdoc/>
    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_buffered, _capacity - _buffered);
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_buffered, _capacity - _buffered);
    }

    /// <inheritdoc/>
    public override void Advance(int bytes)
    {
        ThrowIfUnusable();
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)bytes, (uint)(_capacity - _buffered), nameof(bytes));
        _buffered += bytes;
    }

    /// <inheritdoc/>
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        EncryptBuffered();
        return _inner.FlushAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        EncryptBuffered();
        if (source.Length <= WriteChunkSize)
        {
            Encrypt(source.Span);
            return _inner.FlushAsync(cancellationToken);
        }

        return WriteChunksAsync(source, cancellationToken);
    }

    /// <inheritdoc/>
    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    /// <inheritdoc/>
    public override void Complete(Exception? exception = null)
    {
        if (!_completed)
        {
            _inner.Complete(Finish(exception));
        }
    }

    /// <inheritdoc/>
    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (!_completed)
        {
            await _inner.CompleteAsync(Finish(exception)).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> WriteChunksAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        FlushResult result;
        do
        {
            var length = Math.Min(source.Length, WriteChunkSize);
            Encrypt(source.Span[..length]);
            source = source[length..];
            result = await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        while (!source.IsEmpty && !result.IsCanceled && !result.IsCompleted);
        return result;
    }

    private void ThrowIfUnusable()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Writing is not allowed after the writer was completed.");
        }

        _failure?.Throw();
    }
}
