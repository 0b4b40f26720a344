using System.Buffers;

namespace Casto.WebRtc.Media;

/// <summary>
/// One frame (IVF) or access unit (H264, Annex-B) read from a file, in a buffer rented from
/// <see cref="ArrayPool{T}.Shared"/>. Dispose it to return the buffer; <see cref="Data"/> is invalid afterwards.
/// </summary>
public sealed class MediaFrame : IDisposable
{
    private readonly int _length;
    private byte[]? _buffer;

    internal MediaFrame(byte[] buffer, int length, long timestamp, bool isKeyframe)
    {
        _buffer = buffer;
        _length = length;
        Timestamp = timestamp;
        IsKeyframe = isKeyframe;
    }

    /// <summary>The frame bytes.</summary>
    public ReadOnlyMemory<byte> Data
    {
        get
        {
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            return _buffer.AsMemory(0, _length);
        }
    }

    /// <summary>Presentation time in the source's <see cref="MediaTimebase"/> ticks.</summary>
    public long Timestamp { get; }

    /// <summary>True for a VP8 key frame or an H264 access unit holding an IDR slice.</summary>
    public bool IsKeyframe { get; }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
