using System.Buffers;

namespace Casto.WebRtc.Media;

/// <summary>
/// Reads VP8 frames from an IVF stream. Frames come in pooled buffers (dispose each <see cref="MediaFrame"/>);
/// frames larger than <see cref="MediaReadOptions.MaxFrameSize"/> and truncated or garbage input throw
/// <see cref="MediaException"/>.
/// <code>
/// await using var reader = await IvfReader.OpenAsync(File.OpenRead("clip.ivf"));
/// while (await reader.ReadFrameAsync() is { } frame) { using (frame) { ... } }
/// </code>
/// </summary>
public sealed class IvfReader : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxFrameSize;
    private readonly byte[] _frameHeader = new byte[IvfFrameHeader.Size];

    private IvfReader(Stream stream, bool leaveOpen, int maxFrameSize, IvfFileHeader header)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxFrameSize = maxFrameSize;
        Header = header;
    }

    /// <summary>The file header.</summary>
    public IvfFileHeader Header { get; }

    /// <summary>Reads the file header from <paramref name="stream"/> and returns a reader positioned at the first frame.</summary>
    public static async ValueTask<IvfReader> OpenAsync(Stream stream, MediaReadOptions? options = null, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= MediaReadOptions.Default;
        options.Validate();
        byte[] buffer = new byte[IvfFileHeader.Size];
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (!IvfFileHeader.TryRead(buffer.AsSpan(0, read), out IvfFileHeader header))
        {
            throw new MediaException(MediaError.Truncated, $"IVF file header truncated at {read} bytes.");
        }

        for (int skip = header.HeaderSize - IvfFileHeader.Size; skip > 0; skip -= read)
        {
            read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(skip, buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new MediaException(MediaError.Truncated, "IVF file ends inside its header.");
            }
        }

        return new IvfReader(stream, leaveOpen, options.MaxFrameSize, header);
    }

    /// <summary>The next frame, or null at the end of the file. The caller disposes the frame.</summary>
    public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        int read = await _stream.ReadAtLeastAsync(_frameHeader, _frameHeader.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (!IvfFrameHeader.TryRead(_frameHeader.AsSpan(0, read), _maxFrameSize, out int size, out long timestamp))
        {
            throw new MediaException(MediaError.Truncated, $"IVF frame header truncated at {read} bytes.");
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            read = await _stream.ReadAtLeastAsync(buffer.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < size)
            {
                throw new MediaException(MediaError.Truncated, $"IVF frame truncated: {read} of {size} bytes.");
            }

            return new MediaFrame(buffer, size, timestamp, Vp8Frame.IsKeyframe(buffer.AsSpan(0, size)));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Disposes the stream unless it was opened with leaveOpen.</summary>
    public ValueTask DisposeAsync() => _leaveOpen ? ValueTask.CompletedTask : _stream.DisposeAsync();
}
