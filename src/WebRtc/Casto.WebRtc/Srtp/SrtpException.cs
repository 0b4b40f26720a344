namespace Casto.WebRtc.Srtp;

/// <summary>What went wrong while protecting an SRTP or SRTCP packet.</summary>
/// <remarks>
/// Bad packets from the network are never reported with this exception: <c>TryUnprotect</c> returns
/// <see langword="false"/> and counts the drop in <c>SrtpContext.Drops</c>.
/// </remarks>
public enum SrtpError
{
    /// <summary>The packet handed to <c>Protect</c> is not a valid RTP or RTCP packet.</summary>
    InvalidPacket,
    /// <summary>Protecting it would exceed <c>SrtpOptions.MaxSsrcs</c> streams in this context.</summary>
    SsrcLimit,
    /// <summary>The packet index space of the keys is used up (2^48 SRTP or 2^31 SRTCP packets): re-key.</summary>
    KeyExhausted,
}

/// <summary>Thrown when an outbound packet cannot be protected; <see cref="Error"/> says why.</summary>
public sealed class SrtpException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SrtpException(SrtpError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public SrtpError Error { get; }
}
