namespace Casto.WebRtc.Media;

/// <summary>Bounds for the file readers.</summary>
public sealed class MediaReadOptions
{
    /// <summary>Largest frame (IVF) or access unit (H264) accepted. Default 4 MiB.</summary>
    public int MaxFrameSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest total size of a clip loaded into memory by <see cref="MediaClip"/>. Default 64 MiB.</summary>
    public long MaxClipSize { get; set; } = 64L * 1024 * 1024;

    internal static MediaReadOptions Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameSize, 1, nameof(MaxFrameSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxClipSize, 1, nameof(MaxClipSize));
    }
}
