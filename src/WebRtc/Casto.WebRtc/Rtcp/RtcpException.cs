namespace Casto.WebRtc.Rtcp;

/// <summary>What went wrong while writing an RTCP packet.</summary>
public enum RtcpError
{
    /// <summary>The destination span is too small.</summary>
    BufferTooSmall,
    /// <summary>A count or length does not fit its field (more than 31 report blocks, text over 255 bytes, ...).</summary>
    InvalidField,
}

/// <summary>
/// Thrown by RTCP writers for impossible values or short buffers.
/// Parsing never throws: <c>TryRead</c> returns false for malformed lengths and counts.
/// </summary>
public sealed class RtcpException : IOException
{
    /// <summary>Creates the exception.</summary>
    public RtcpException(RtcpError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public RtcpError Error { get; }

    internal static void ThrowIfTooSmall(Span<byte> destination, int size)
    {
        if (destination.Length < size)
        {
            throw new RtcpException(RtcpError.BufferTooSmall, $"RTCP packet needs {size} bytes, got {destination.Length}.");
        }
    }
}
