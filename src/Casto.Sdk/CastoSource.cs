using System.Net;

namespace Casto.Sdk;

/// <summary>
/// What <see cref="CastoClient.PublishAsync"/> broadcasts: the built-in clip, a file, RTP on a local UDP port, or
/// WHIP ingest (OBS, GStreamer, a browser). A source is checked (file read, port bound) before any peer starts, so a
/// bad one fails with a <see cref="CastoException"/> and leaves nothing running.
/// </summary>
public abstract class CastoSource
{
    private protected CastoSource()
    {
    }

    /// <summary>The built-in 2 s 320×240 30 fps VP8 test pattern, looped.</summary>
    public static CastoSource BuiltInClip => new ClipSource(null, 30);

    /// <summary>
    /// A file, looped: VP8 in IVF (<c>ffmpeg -i in.mp4 -c:v libvpx out.ivf</c>) or H.264 Annex-B
    /// (<c>ffmpeg -i in.mp4 -c:v libx264 -bsf:v h264_mp4toannexb out.h264</c>, played at
    /// <paramref name="framesPerSecond"/>). The format is told by the content, not the name; anything else is
    /// <see cref="CastoError.UnsupportedFile"/>. The whole file is held in memory (at most 64 MiB).
    /// </summary>
    public static CastoSource File(string path, int framesPerSecond = 30)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(framesPerSecond, 240);
        return new ClipSource(path, framesPerSecond);
    }

    /// <summary>
    /// RTP received on UDP <paramref name="port"/> of 127.0.0.1, e.g. from
    /// <c>ffmpeg -re -i in.mp4 -an -c:v libvpx -deadline realtime -f rtp rtp://127.0.0.1:5004</c> (or <c>-c:v libx264
    /// -bsf:v h264_mp4toannexb</c> with <see cref="CastoCodec.H264"/>). Packets are forwarded as they come (payload type
    /// and SSRC rewritten); at most 1,484 bytes each (ffmpeg: <c>-pkt_size 1200</c>).
    /// </summary>
    public static CastoSource Rtp(int port, CastoCodec codec = CastoCodec.Vp8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new RtpSource(new IPEndPoint(IPAddress.Loopback, port), codec);
    }

    /// <summary>RTP received on <paramref name="endPoint"/> (any address of this machine); see <see cref="Rtp(int, CastoCodec)"/>.</summary>
    public static CastoSource Rtp(IPEndPoint endPoint, CastoCodec codec = CastoCodec.Vp8)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return new RtpSource(endPoint, codec);
    }

    /// <summary>
    /// WHIP ingest (RFC 9725) served on <paramref name="endPoint"/>: an encoder POSTs its offer to
    /// <c>http://HOST:PORT/whip/STREAM</c> (<see cref="CastoPublisher.WhipUrl"/>), optionally with
    /// <c>Authorization: Bearer <paramref name="token"/></c>. Until it does, the stream has no media.
    /// </summary>
    public static CastoSource Whip(IPEndPoint endPoint, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return new WhipSource(endPoint, token);
    }

    /// <summary>What the source is, for logs.</summary>
    internal abstract string Describe();

    /// <summary>Reads or binds what the source needs before any peer starts; throws <see cref="CastoException"/>.</summary>
    internal virtual ValueTask PrepareAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Starts feeding <paramref name="peer"/>'s stream (its forwarding node's publisher); the result stops it.</summary>
    internal abstract Task<IAsyncDisposable> StartAsync(CastoPeer peer, CancellationToken cancellationToken);

    /// <summary>Releases what <see cref="PrepareAsync"/> took when starting failed.</summary>
    internal virtual ValueTask ReleaseAsync() => ValueTask.CompletedTask;
}
