using System.Buffers;

namespace Casto.WebRtc.Media;

/// <summary>One frame of a <see cref="MediaClip"/>.</summary>
/// <param name="Data">The frame (VP8) or Annex-B access unit (H264).</param>
/// <param name="Timestamp">Presentation time in the clip's <see cref="MediaClip.Timebase"/> ticks.</param>
/// <param name="IsKeyframe">True for a key frame / IDR access unit.</param>
public readonly record struct MediaClipFrame(ReadOnlyMemory<byte> Data, long Timestamp, bool IsKeyframe);

/// <summary>
/// A short clip held in memory (one contiguous buffer), e.g. for <see cref="PacedMediaSource"/> to loop.
/// Its total size is bounded by <see cref="MediaReadOptions.MaxClipSize"/>.
/// </summary>
public sealed class MediaClip
{
    private readonly MediaClipFrame[] _frames;

    private MediaClip(MediaClipFrame[] frames, MediaTimebase timebase, string codec)
    {
        _frames = frames;
        Timebase = timebase;
        Codec = codec;
        Duration = frames.Length switch
        {
            0 => 0,
            1 => 1,
            _ => frames[^1].Timestamp - frames[0].Timestamp + Math.Max(1, frames[^1].Timestamp - frames[^2].Timestamp),
        };
    }

    /// <summary>"VP8" or "H264".</summary>
    public string Codec { get; }

    /// <summary>Seconds per timestamp tick.</summary>
    public MediaTimebase Timebase { get; }

    /// <summary>Length in ticks: from the first timestamp to the last plus the last frame's duration (the previous gap).</summary>
    public long Duration { get; }

    /// <summary>Number of frames.</summary>
    public int Count => _frames.Length;

    /// <summary>Frame <paramref name="index"/>.</summary>
    public MediaClipFrame this[int index] => _frames[index];

    /// <summary>Loads every frame of an IVF (VP8) stream.</summary>
    public static async ValueTask<MediaClip> LoadIvfAsync(Stream stream, MediaReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= MediaReadOptions.Default;
        IvfReader reader = await IvfReader.OpenAsync(stream, options, leaveOpen: true, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var builder = new Builder(options.MaxClipSize);
            while (await reader.ReadFrameAsync(cancellationToken).ConfigureAwait(false) is { } frame)
            {
                using (frame)
                {
                    builder.Add(frame);
                }
            }

            return builder.Build(reader.Header.Timebase, "VP8");
        }
    }

    /// <summary>Loads every access unit of an H264 Annex-B stream; access unit n has timestamp n in <paramref name="timebase"/>.</summary>
    public static async ValueTask<MediaClip> LoadH264Async(Stream stream, MediaTimebase timebase, MediaReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= MediaReadOptions.Default;
        var reader = new H264AnnexBReader(stream, timebase, options, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            var builder = new Builder(options.MaxClipSize);
            while (await reader.ReadAccessUnitAsync(cancellationToken).ConfigureAwait(false) is { } frame)
            {
                using (frame)
                {
                    builder.Add(frame);
                }
            }

            return builder.Build(timebase, "H264");
        }
    }

    private sealed class Builder(long maxSize)
    {
        private readonly ArrayBufferWriter<byte> _bytes = new();
        private readonly List<(int Offset, int Length, long Timestamp, bool Key)> _frames = [];

        public void Add(MediaFrame frame)
        {
            ReadOnlySpan<byte> data = frame.Data.Span;
            if (_bytes.WrittenCount + (long)data.Length > maxSize)
            {
                throw new MediaException(MediaError.TooLarge, $"Clip exceeds the {maxSize}-byte limit.");
            }

            _frames.Add((_bytes.WrittenCount, data.Length, frame.Timestamp, frame.IsKeyframe));
            _bytes.Write(data);
        }

        public MediaClip Build(MediaTimebase timebase, string codec)
        {
            ReadOnlyMemory<byte> all = _bytes.WrittenMemory;
            var frames = new MediaClipFrame[_frames.Count];
            for (int i = 0; i < frames.Length; i++)
            {
                (int offset, int length, long timestamp, bool key) = _frames[i];
                frames[i] = new MediaClipFrame(all.Slice(offset, length), timestamp, key);
            }

            return new MediaClip(frames, timebase, codec);
        }
    }
}
