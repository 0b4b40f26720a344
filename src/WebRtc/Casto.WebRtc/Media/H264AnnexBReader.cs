using System.Buffers;
using Casto.WebRtc.Codecs;

namespace Casto.WebRtc.Media;

/// <summary>
/// Reads access units from an H264 Annex-B stream (e.g. <c>ffmpeg ... -bsf:v h264_mp4toannexb -f h264</c>).
/// Raw H264 has no timing, so the caller gives the frame rate: access unit n gets timestamp n in
/// <see cref="Timebase"/>. Boundaries follow the heuristic in <see cref="H264AccessUnitSplitter"/>. Access units
/// keep their start codes (ready for the H264 packetizer) and come in pooled buffers; one larger than
/// <see cref="MediaReadOptions.MaxFrameSize"/> throws <see cref="MediaException"/>.
/// </summary>
public sealed class H264AnnexBReader : IAsyncDisposable
{
    private const int ReadSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxFrameSize;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfStream;
    private long _index;

    /// <summary>Reads <paramref name="stream"/>; each access unit lasts one tick of <paramref name="timebase"/> (see <see cref="MediaTimebase.FromFrameRate(int)"/>).</summary>
    public H264AnnexBReader(Stream stream, MediaTimebase timebase, MediaReadOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= MediaReadOptions.Default;
        options.Validate();
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxFrameSize = options.MaxFrameSize;
        Timebase = timebase;
        _buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
    }

    /// <summary>One tick per access unit (from the caller's frame rate).</summary>
    public MediaTimebase Timebase { get; }

    /// <summary>The next access unit, or null at the end of the stream. The caller disposes the frame.</summary>
    public async ValueTask<MediaFrame?> ReadAccessUnitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        while (true)
        {
            if (TryTake(out MediaFrame? frame))
            {
                return frame;
            }

            if (_endOfStream)
            {
                if (_buffer.AsSpan(_start, _end - _start).ContainsAnyExcept((byte)0))
                {
                    throw new MediaException(MediaError.InvalidData, "H264 stream has data without an Annex-B start code.");
                }

                return null;
            }

            MakeRoom();
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _endOfStream = read == 0;
            _end += read;
        }
    }

    /// <summary>Disposes the stream unless leaveOpen, and returns the buffer.</summary>
    public ValueTask DisposeAsync()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return _leaveOpen ? ValueTask.CompletedTask : _stream.DisposeAsync();
    }

    private bool TryTake(out MediaFrame? frame)
    {
        frame = null;
        ReadOnlySpan<byte> data = _buffer.AsSpan(_start, _end - _start);
        if (!H264AccessUnitSplitter.TryRead(data, _endOfStream, out int start, out int length))
        {
            return false;
        }

        if (length > _maxFrameSize)
        {
            throw new MediaException(MediaError.TooLarge, $"H264 access unit of {length} bytes exceeds the {_maxFrameSize}-byte limit.");
        }

        ReadOnlySpan<byte> accessUnit = data.Slice(start, length);
        byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        accessUnit.CopyTo(copy);
        frame = new MediaFrame(copy, length, _index++, ContainsIdr(accessUnit));
        _start += start + length;
        return true;
    }

    private void MakeRoom()
    {
        if (_end - _start > _maxFrameSize + 4)
        {
            throw new MediaException(MediaError.TooLarge, $"H264 access unit exceeds the {_maxFrameSize}-byte limit.");
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    private static bool ContainsIdr(ReadOnlySpan<byte> accessUnit)
    {
        var reader = new AnnexBReader(accessUnit);
        while (reader.TryReadNext(out ReadOnlySpan<byte> nal))
        {
            if ((nal[0] & 0x1F) == H264Depacketizer.Idr)
            {
                return true;
            }
        }

        return false;
    }
}
