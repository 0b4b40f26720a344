// Spec: https://www.rfc-editor.org/rfc/rfc7741#section-4.5 (frame reconstruction from RTP payloads)
using System.Buffers;

namespace Casto.WebRtc.Codecs;

/// <summary>
/// Rebuilds VP8 frames from RTP payloads in sequence order: a frame starts at a payload with S=1 and PID=0, ends at
/// the RTP marker, and is dropped whole when a sequence number is missing or it would exceed the size limit
/// (RFC 7741 §4.5: a receiver must not decode a frame with missing partitions). The buffer is pooled and reused.
/// </summary>
internal sealed class Vp8FrameAssembler : IDisposable
{
    private readonly int _maxFrameSize;
    private byte[] _buffer;
    private int _length;
    private bool _inFrame;
    private int _lastSequence = -1;

    /// <summary>Creates an assembler that drops frames larger than <paramref name="maxFrameSize"/> bytes (default 4 MiB).</summary>
    public Vp8FrameAssembler(int maxFrameSize = 4 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 1);
        _maxFrameSize = maxFrameSize;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxFrameSize, 64 * 1024));
    }

    /// <summary>Frames dropped because of a gap, a missing start or the size limit.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>
    /// Adds one RTP payload; returns true with the completed frame (the assembler's buffer: valid until the next call)
    /// when <paramref name="marker"/> ends a frame that arrived whole.
    /// </summary>
    public bool TryAdd(ushort sequenceNumber, bool marker, ReadOnlySpan<byte> rtpPayload, out ReadOnlyMemory<byte> frame)
    {
        frame = default;
        bool contiguous = _lastSequence < 0 || (ushort)(_lastSequence + 1) == sequenceNumber;
        _lastSequence = sequenceNumber;
        if (!Vp8PayloadDescriptor.TryRead(rtpPayload, out var descriptor, out var data))
        {
            Abort();
            return false;
        }

        if (descriptor.StartOfPartition && descriptor.PartitionId == 0)
        {
            if (_inFrame)
            {
                Abort(); // the previous frame never saw its marker
            }

            _inFrame = true;
            _length = 0;
        }
        else if (!_inFrame)
        {
            return false; // middle of a frame we did not see start; counted when it started elsewhere
        }
        else if (!contiguous)
        {
            Abort();
            return false;
        }

        if (_length + data.Length > _maxFrameSize)
        {
            Abort();
            return false;
        }

        Append(data);
        if (!marker)
        {
            return false;
        }

        _inFrame = false;
        frame = _buffer.AsMemory(0, _length);
        return _length > 0;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_length + data.Length > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_maxFrameSize, Math.Max(_buffer.Length * 2, _length + data.Length)));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    private void Abort()
    {
        if (_inFrame)
        {
            DroppedFrames++;
        }

        _inFrame = false;
        _length = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
