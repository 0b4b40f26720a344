namespace Casto.WebRtc.Media;

/// <summary>What went wrong while reading or writing a media file.</summary>
public enum MediaError
{
    /// <summary>The input ended inside a header or a frame.</summary>
    Truncated,
    /// <summary>The input is not a file of the expected format (bad signature, impossible field).</summary>
    InvalidData,
    /// <summary>A frame, access unit or clip is larger than the configured bound.</summary>
    TooLarge,
    /// <summary>The file holds a codec this reader does not handle.</summary>
    UnsupportedCodec,
}

/// <summary>The one exception the media readers and writers throw for bad input.</summary>
public sealed class MediaException : IOException
{
    /// <summary>Creates the exception.</summary>
    public MediaException(MediaError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public MediaError Error { get; }
}
