namespace Casto.Stack.Transports;

/// <summary>What went wrong on a transport.</summary>
public enum TransportError
{
    /// <summary>No transport handles the address, or the address is incomplete.</summary>
    UnsupportedAddress,
    /// <summary>The remote refused or did not answer the connection attempt.</summary>
    ConnectionRefused,
    /// <summary>A DNS name did not resolve to an address of the wanted family.</summary>
    ResolutionFailed,
    /// <summary>The dial did not complete in time.</summary>
    Timeout,
    /// <summary>The connection was reset or aborted.</summary>
    ConnectionAborted,
    /// <summary>The listen address is in use or cannot be bound.</summary>
    AddressInUse,
}

/// <summary>Thrown by transports (TCP, in-memory, …).</summary>
public sealed class TransportException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TransportException(TransportError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public TransportError Error { get; }
}
