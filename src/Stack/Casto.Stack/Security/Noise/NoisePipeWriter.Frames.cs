using System.Buffers;
using System.Runtime.ExceptionServices;

namespace Casto.Stack.Security.Noise;

/// <summary>Plaintext buffering and framing into the raw writer.</summary>
internal sealed partial class NoisePipeWriter
{
    // Ensures `sizeHint` bytes of room, encrypting what is buffered first when it does not fit.
    private void Reserve(int sizeHint)
    {
        ThrowIfUnusable();
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer is not null && _capacity - _buffered >= sizeHint)
        {
            return;
        }

        EncryptBuffered();
        _capacity = Math.Max(sizeHint, NoiseFrame.MaxPlaintextSize);
        if (_buffer is null || _buffer.Length < _capacity)
        {
            ReturnBuffer();
            _buffer = ArrayPool<byte>.Shared.Rent(_capacity);
        }
    }

    private void EncryptBuffered()
    {
        if (_buffered > 0)
        {
            var length = _buffered;
            _buffered = 0;
            Encrypt(_buffer.AsSpan(0, length));
        }
    }

    // Frames and encrypts `plaintext` into the raw writer, at most 65519 plaintext bytes per frame.
    private void Encrypt(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            while (!plaintext.IsEmpty)
            {
                var length = Math.Min(plaintext.Length, NoiseFrame.MaxPlaintextSize);
                var frameSize = NoiseFrame.HeaderSize + length + NoiseFrame.TagSize;
                var frame = _inner.GetSpan(frameSize);
                NoiseFrame.WriteHeader(frame, length + NoiseFrame.TagSize);
                _cipher.EncryptWithAd([], plaintext[..length], frame[NoiseFrame.HeaderSize..]);
                _inner.Advance(frameSize);
                plaintext = plaintext[length..];
            }
        }
        catch (NoiseException ex)
        {
            _failure = ExceptionDispatchInfo.Capture(ex);
            _connection.Abort(ex);
            throw;
        }
    }

    // Encrypts what is left (unless failing) and frees everything; returns the completion error for the raw writer.
    private Exception? Finish(Exception? exception)
    {
        _completed = true;
        try
        {
            if (exception is null && _failure is null)
            {
                EncryptBuffered();
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Nonce exhaustion, or a raw writer already torn down: complete with the error instead.
            exception = ex;
        }
        finally
        {
            ReturnBuffer();
            _cipher.Dispose();
        }

        return exception ?? _failure?.SourceException;
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _buffered = 0;
        }
    }
}
