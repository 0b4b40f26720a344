namespace Casto.WebRtc.Sdp;

/// <summary>What was wrong with a session description.</summary>
public enum SdpError
{
    /// <summary>The text exceeds <see cref="SessionDescription.MaxLength"/>.</summary>
    TooLarge,
    /// <summary>More than <see cref="SessionDescription.MaxLines"/> lines.</summary>
    TooManyLines,
    /// <summary>More than <see cref="SessionDescription.MaxMediaSections"/> m= sections.</summary>
    TooManyMediaSections,
    /// <summary>A line is not "&lt;letter&gt;=&lt;value&gt;", or a type letter appears where it may not.</summary>
    InvalidLine,
    /// <summary>A line or attribute value does not match its grammar.</summary>
    InvalidValue,
    /// <summary>A required line (v=, o=, s=, t=) is missing.</summary>
    MissingLine,
    /// <summary>An offer/answer cannot be produced from the description (JSEP).</summary>
    Negotiation,
}

/// <summary>Thrown when a session description cannot be parsed, or an answer cannot be produced.</summary>
public sealed class SdpException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SdpException(SdpError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public SdpError Error { get; }
}
