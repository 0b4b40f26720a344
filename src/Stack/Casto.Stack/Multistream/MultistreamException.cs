namespace Casto.Stack.Multistream;

/// <summary>What went wrong while negotiating a protocol.</summary>
public enum MultistreamError
{
    /// <summary>A message is not a newline-terminated, length-prefixed line, or is too long.</summary>
    InvalidMessage,
    /// <summary>The remote does not speak <c>/multistream/1.0.0</c>.</summary>
    UnsupportedVersion,
    /// <summary>The remote supports none of the proposed protocols.</summary>
    NoCommonProtocol,
    /// <summary>The remote proposed too many protocols without agreeing on one.</summary>
    TooManyAttempts,
    /// <summary>The connection closed during negotiation.</summary>
    Closed,
}

/// <summary>Thrown when multistream-select negotiation fails.</summary>
public sealed class MultistreamException : IOException
{
    /// <summary>Creates the exception.</summary>
    public MultistreamException(MultistreamError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public MultistreamError Error { get; }
}
