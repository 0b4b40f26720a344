// Spec: https://www.rfc-editor.org/rfc/rfc7741#section-4.5 (frames from RTP), https://www.rfc-editor.org/rfc/rfc1982 (serial number comparison)
using Casto.WebRtc.Media;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Codecs;

/// <summary>
/// Whole VP8 frames and what a receiver checks about them: count, keyframes, whether the first was a keyframe, whether
/// RTP timestamps ever went backwards, and when the first frame arrived. Fed by one thread; counts readable from any.
/// </summary>
public sealed class Vp8ReceiveStats : IDisposable
{
    private readonly Vp8FrameAssembler _assembler = new();
    private readonly TimeProvider _time;
    private long _frames;
    private long _keyframes;
    private uint _lastTimestamp;

    /// <summary>Counts frames; <paramref name="timeProvider"/> stamps the first one (default system).</summary>
    public Vp8ReceiveStats(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>Whole frames so far.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Of those, keyframes.</summary>
    public long Keyframes => Interlocked.Read(ref _keyframes);

    /// <summary>Whether the first whole frame was a keyframe.</summary>
    public bool FirstIsKeyframe { get; private set; }

    /// <summary>False once a frame's RTP timestamp was before the previous one (wrap-aware).</summary>
    public bool TimestampsMonotonic { get; private set; } = true;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the first whole frame completed, or null.</summary>
    public long? FirstFrameTimestamp { get; private set; }

    /// <summary>Adds one VP8 RTP packet; true with the completed frame (valid until the next call) when one ends.</summary>
    public bool TryAdd(in RtpHeader header, ReadOnlySpan<byte> payload, out ReadOnlyMemory<byte> frame)
    {
        if (!_assembler.TryAdd(header.SequenceNumber, header.Marker, payload, out frame))
        {
            return false;
        }

        bool key = Vp8Frame.IsKeyframe(frame.Span);
        if (FirstFrameTimestamp is null)
        {
            FirstFrameTimestamp = _time.GetTimestamp();
            FirstIsKeyframe = key;
        }
        else if ((int)(header.Timestamp - _lastTimestamp) < 0)
        {
            TimestampsMonotonic = false;
        }

        _lastTimestamp = header.Timestamp;
        Interlocked.Increment(ref _frames);
        if (key)
        {
            Interlocked.Increment(ref _keyframes);
        }

        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _assembler.Dispose();
}
