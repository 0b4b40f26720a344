// Spec: https://www.rfc-editor.org/rfc/rfc8445 (ICE), https://www.rfc-editor.org/rfc/rfc7675 (consent freshness)
namespace Casto.WebRtc.Ice;

/// <summary>Why an ICE operation failed.</summary>
public enum IceError
{
    /// <summary>No candidate pair is usable yet (neither selected nor validated), so there is nowhere to send.</summary>
    NotConnected,
    /// <summary>The agent was closed (disposed) or has failed.</summary>
    Closed,
    /// <summary>A local socket could not be bound or used.</summary>
    SocketError,
    /// <summary>A remote candidate or credential was invalid (wrong family, bad ufrag/pwd, limit reached).</summary>
    InvalidRemote,
}

/// <summary>Thrown by the ICE agent; <see cref="Error"/> says why.</summary>
public sealed class IceException : IOException
{
    /// <summary>Creates the exception.</summary>
    public IceException(IceError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public IceError Error { get; }
}
