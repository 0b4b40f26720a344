namespace Casto.WebRtc.Media;

/// <summary>
/// Writes VP8 frames to an IVF stream (e.g. to save a received track). The header's frame count is patched on
/// dispose when the stream can seek; otherwise the header keeps the count it was created with.
/// </summary>
public sealed class IvfWriter : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _headerPosition;
    private readonly byte[] _scratch = new byte[IvfFileHeader.Size];
    private IvfFileHeader _header;
    private bool _disposed;

    private IvfWriter(Stream stream, bool leaveOpen, IvfFileHeader header, long headerPosition)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _header = header;
        _headerPosition = headerPosition;
    }

    /// <summary>Frames written so far.</summary>
    public uint FrameCount { get; private set; }

    /// <summary>Writes <paramref name="header"/> to <paramref name="stream"/> and returns a writer for the frames.</summary>
    public static async ValueTask<IvfWriter> CreateAsync(Stream stream, IvfFileHeader header, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long position = stream.CanSeek ? stream.Position : -1;
        var writer = new IvfWriter(stream, leaveOpen, header, position);
        header.WriteTo(writer._scratch);
        await stream.WriteAsync(writer._scratch, cancellationToken).ConfigureAwait(false);
        return writer;
    }

    /// <summary>Appends one frame with its timestamp in the header's timebase.</summary>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, long timestamp, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frame.IsEmpty)
        {
            throw new ArgumentException("IVF frames cannot be empty.", nameof(frame));
        }

        IvfFrameHeader.Write(_scratch, frame.Length, timestamp);
        await _stream.WriteAsync(_scratch.AsMemory(0, IvfFrameHeader.Size), cancellationToken).ConfigureAwait(false);
        await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        FrameCount++;
    }

    /// <summary>Patches the frame count (seekable streams), flushes, and disposes the stream unless leaveOpen.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_headerPosition >= 0 && _stream.CanSeek && _stream.CanWrite)
            {
                long end = _stream.Position;
                _header = _header with { FrameCount = FrameCount };
                _header.WriteTo(_scratch);
                _stream.Position = _headerPosition;
                await _stream.WriteAsync(_scratch).ConfigureAwait(false);
                _stream.Position = end;
            }

            await _stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            if (!_leaveOpen)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
