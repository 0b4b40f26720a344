namespace Casto.Stack.Hosting;

/// <summary>What went wrong in the host.</summary>
public enum HostError
{
    /// <summary>No transport can dial the address, or it lacks what the dial needs.</summary>
    UnsupportedAddress,
    /// <summary>Every address of the peer failed; the inner exception is the last failure.</summary>
    DialFailed,
    /// <summary>The connection or per-peer limit is reached.</summary>
    LimitReached,
    /// <summary>The remote is not the peer we dialed.</summary>
    PeerIdMismatch,
    /// <summary>Security or muxer negotiation did not finish in time.</summary>
    HandshakeTimeout,
    /// <summary>The remote does not support the requested protocol.</summary>
    ProtocolNotSupported,
    /// <summary>The host is shutting down.</summary>
    Disposed,
    /// <summary>A protocol exchange broke its rules (bad ping echo, malformed identify, …).</summary>
    ProtocolViolation,
}

/// <summary>Thrown by the host: dialing, limits, stream negotiation.</summary>
public sealed class HostException : IOException
{
    /// <summary>Creates the exception.</summary>
    public HostException(HostError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public HostError Error { get; }
}
