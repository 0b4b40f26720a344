// Spec: https://www.rfc-editor.org/rfc/rfc7741#section-4.5 (VP8 frames from RTP), https://www.rfc-editor.org/rfc/rfc6184#section-5.6 (H264 NAL units from RTP)
using System.Buffers;
using Casto.WebRtc.Media;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Codecs;

/// <summary>
/// Whole frames from a video track's RTP packets, for a local consumer (a recorder, a decoder): VP8 frames as sent
/// (RFC 7741 §4.5), H264 access units in Annex-B form (start code + NAL unit each; STAP-A split, FU-A joined). A frame
/// ends at the RTP marker; one with a missing sequence number, a missing start or more than the size limit is dropped
/// whole and counted. The buffer is pooled and reused: a returned frame is valid until the next call. One thread.
/// </summary>
public sealed class RtpFrameAssembler : IDisposable
{
    private readonly Vp8FrameAssembler? _vp8;
    private readonly int _maxFrameSize;
    private byte[] _buffer = [];
    private int _length = -1; // -1: resynchronising
    private bool _inFrame;
    private bool _key;
    private int _lastSequence = -1;
    private long _dropped;

    /// <summary>Frames of <paramref name="codec"/> (VP8 or H264) up to <paramref name="maxFrameSize"/> bytes (default 4 MiB).</summary>
    public RtpFrameAssembler(RtcCodec codec, int maxFrameSize = 4 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 1);
        if (codec is not (RtcCodec.Vp8 or RtcCodec.H264))
        {
            throw new ArgumentOutOfRangeException(nameof(codec), codec, "Only VP8 and H264 frames are assembled.");
        }

        Codec = codec;
        _maxFrameSize = maxFrameSize;
        if (codec == RtcCodec.Vp8)
        {
            _vp8 = new Vp8FrameAssembler(maxFrameSize);
        }
        else
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxFrameSize, 64 * 1024));
        }
    }

    /// <summary>The codec assembled.</summary>
    public RtcCodec Codec { get; }

    /// <summary>Frames dropped because of a gap, a missing start or the size limit.</summary>
    public long DroppedFrames => _vp8?.DroppedFrames ?? _dropped;

    /// <summary>
    /// Adds one RTP packet's payload; true when it completes a frame: <paramref name="frame"/> (valid until the next
    /// call) and whether it is a key frame (VP8 key frame; H264 IDR or SPS).
    /// </summary>
    public bool TryAdd(in RtpHeader header, ReadOnlySpan<byte> payload, out ReadOnlyMemory<byte> frame, out bool keyframe)
    {
        keyframe = false;
        if (_vp8 is not null)
        {
            if (!_vp8.TryAdd(header.SequenceNumber, header.Marker, payload, out frame))
            {
                return false;
            }

            keyframe = Vp8Frame.IsKeyframe(frame.Span);
            return true;
        }

        return TryAddH264(header, payload, out frame, out keyframe);
    }

    private bool TryAddH264(in RtpHeader header, ReadOnlySpan<byte> payload, out ReadOnlyMemory<byte> frame, out bool keyframe)
    {
        frame = default;
        keyframe = false;
        bool contiguous = _lastSequence < 0 || (ushort)(_lastSequence + 1) == header.SequenceNumber;
        _lastSequence = header.SequenceNumber;
        if (!contiguous && _inFrame)
        {
            Abort();
        }
        else if (!contiguous)
        {
            _length = -1;
        }

        if (!_inFrame)
        {
            // Resynchronising (start, gap, oversize): a frame starts at a key frame's first packet, or after the next marker.
            bool starts = _length >= 0 || KeyFrames.IsKeyFrameStart(RtcCodec.H264, payload);
            if (!starts)
            {
                if (header.Marker)
                {
                    _length = 0;
                }

                return false;
            }

            _inFrame = true;
            _key = false;
            _length = 0;
        }

        _key |= H264Depacketizer.IsKeyframe(payload);
        // Annex-B is at most 2/3 larger than the payload (a STAP-A of 1-byte units); the size limit caps the buffer.
        Grow(Math.Min(_maxFrameSize, _length + (payload.Length * 2) + 8));
        if (!H264Depacketizer.TryWriteAnnexB(payload, _buffer.AsSpan(_length, Math.Min(_maxFrameSize, _buffer.Length) - _length), out int written))
        {
            Abort();
            return false;
        }

        _length += written;
        if (!header.Marker)
        {
            return false;
        }

        _inFrame = false;
        frame = _buffer.AsMemory(0, _length);
        keyframe = _key;
        _length = 0;
        return frame.Length > 0;
    }

    private void Grow(int size)
    {
        if (size <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_maxFrameSize, Math.Max(_buffer.Length * 2, size)));
        _buffer.AsSpan(0, Math.Max(0, _length)).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void Abort()
    {
        if (_inFrame)
        {
            _dropped++;
        }

        _inFrame = false;
        _length = -1; // resynchronise at the next marker
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _vp8?.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
