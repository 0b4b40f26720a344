namespace Casto.WebRtc.Rtp;

/// <summary>What went wrong while writing or rewriting an RTP packet.</summary>
public enum RtpError
{
    /// <summary>The destination span is too small for the packet being written.</summary>
    BufferTooSmall,
    /// <summary>A field is out of range: payload type above 127, more than 15 CSRCs, extension data not a multiple of 4.</summary>
    InvalidField,
    /// <summary>The bytes are not an RTP packet (too short, wrong version).</summary>
    Malformed,
    /// <summary>A header extension element cannot be encoded (id out of range, value too long, form mismatch).</summary>
    InvalidExtension,
}

/// <summary>
/// Thrown by RTP writers when the caller passes an impossible value or a too-small buffer.
/// Parsing never throws: the <c>TryRead</c> methods return false for malformed input.
/// </summary>
public sealed class RtpException : IOException
{
    /// <summary>Creates the exception.</summary>
    public RtpException(RtpError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public RtpError Error { get; }
}
