namespace Casto.WebRtc.Media;

/// <summary>Built-in media: a 2 s 320x240 30 fps VP8 test pattern (ffmpeg testsrc, key frame every 30 frames).</summary>
public static class MediaSources
{
    /// <summary>Manifest resource name of the default clip.</summary>
    public const string DefaultVp8ResourceName = "Casto.WebRtc.Media.default.ivf";

    /// <summary>Opens the default clip as an IVF stream (the caller disposes it).</summary>
    public static Stream OpenDefaultVp8() =>
        typeof(MediaSources).Assembly.GetManifestResourceStream(DefaultVp8ResourceName)
        ?? throw new MediaException(MediaError.InvalidData, $"Resource {DefaultVp8ResourceName} is missing from the assembly.");

    /// <summary>Loads the default clip into memory, e.g. for <see cref="PacedMediaSource"/>.</summary>
    public static async ValueTask<MediaClip> LoadDefaultVp8Async(CancellationToken cancellationToken = default)
    {
        Stream stream = OpenDefaultVp8();
        await using (stream.ConfigureAwait(false))
        {
            return await MediaClip.LoadIvfAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
