using System.Buffers;

namespace Casto.Sdk;

/// <summary>A video codec.</summary>
public enum CastoCodec
{
    /// <summary>VP8 (RFC 6386): a frame is one VP8 frame, as an IVF file holds it.</summary>
    Vp8,

    /// <summary>H.264: a frame is one access unit in Annex-B form (start codes before each NAL unit).</summary>
    H264,
}

/// <summary>
/// One whole video frame of a watched stream. <see cref="Payload"/> is pooled memory owned by the frame: dispose the
/// frame when done with it (the memory goes back to the pool; reading it afterwards is a bug). Not thread-safe.
/// </summary>
public sealed class CastoFrame : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    internal CastoFrame(CastoCodec codec, bool isKeyframe, uint rtpTimestamp, DateTimeOffset receivedAt, DateTimeOffset? captureTime, ReadOnlySpan<byte> data)
    {
        (Codec, IsKeyframe, RtpTimestamp, ReceivedAt, CaptureTime) = (codec, isKeyframe, rtpTimestamp, receivedAt, captureTime);
        _buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(_buffer);
        _length = data.Length;
    }

    /// <summary>The codec of <see cref="Payload"/>.</summary>
    public CastoCodec Codec { get; }

    /// <summary>A key frame (VP8 key frame; H.264 IDR or SPS): decoding can start here.</summary>
    public bool IsKeyframe { get; }

    /// <summary>The frame's RTP timestamp (90 kHz, the broadcaster's numbering, continuous across parent changes).</summary>
    public uint RtpTimestamp { get; }

    /// <summary>When this peer completed the frame (the options' clock).</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>
    /// When the broadcaster's peer received the frame, estimated as <see cref="ReceivedAt"/> minus the tree latency
    /// (<see cref="CastoStats.LatencyMs"/>; needs NTP-synchronised clocks). Null while the latency is unknown.
    /// </summary>
    public DateTimeOffset? CaptureTime { get; }

    /// <summary>The frame's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Payload
    {
        get
        {
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            return _buffer.AsMemory(0, _length);
        }
    }

    /// <summary>Returns <see cref="Payload"/>'s memory to the pool. Idempotent.</summary>
    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
