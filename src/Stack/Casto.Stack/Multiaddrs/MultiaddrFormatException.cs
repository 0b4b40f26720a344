namespace Casto.Stack.Multiaddrs;

/// <summary>What was wrong with a multiaddr.</summary>
public enum MultiaddrError
{
    /// <summary>Text does not start with '/' or is empty.</summary>
    InvalidSyntax,
    /// <summary>A protocol name or code is not in the table.</summary>
    UnknownProtocol,
    /// <summary>A protocol that takes a value has none.</summary>
    MissingValue,
    /// <summary>A value does not parse for its protocol (bad address, port, peer id, …).</summary>
    InvalidValue,
    /// <summary>The binary form ends inside a component.</summary>
    Truncated,
    /// <summary>The address is larger than <see cref="Multiaddr.MaxByteLength"/> or <see cref="Multiaddr.MaxTextLength"/>.</summary>
    TooLarge,
}

/// <summary>Thrown when a multiaddr cannot be parsed or decoded.</summary>
public sealed class MultiaddrFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public MultiaddrFormatException(MultiaddrError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public MultiaddrError Error { get; }
}
