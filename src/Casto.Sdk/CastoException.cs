namespace Casto.Sdk;

/// <summary>The one exception the SDK throws for failures it can name (bad options, unknown stream, bad file, …).</summary>
public sealed class CastoException : IOException
{
    /// <summary>Creates an exception with no details (<see cref="CastoError.Unknown"/>).</summary>
    public CastoException()
    {
    }

    /// <summary>Creates an exception with a message (<see cref="CastoError.Unknown"/>).</summary>
    public CastoException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause (<see cref="CastoError.Unknown"/>).</summary>
    public CastoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for <paramref name="error"/>.</summary>
    public CastoException(CastoError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    /// <summary>What went wrong.</summary>
    public CastoError Error { get; }
}
