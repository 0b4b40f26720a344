namespace Casto.Relay.Forwarding;

/// <summary>Why a forwarding node refused a publish, subscribe or delete.</summary>
public enum ForwardingError
{
    /// <summary>The SDP offer is malformed or cannot be answered (no VP8 video, no ICE credentials, …).</summary>
    InvalidSdp,

    /// <summary>The stream name is not 1–64 characters of letters, digits, '.', '_' or '-'.</summary>
    InvalidName,

    /// <summary>No stream of that name is being published.</summary>
    StreamNotFound,

    /// <summary>The stream already has a publisher.</summary>
    StreamBusy,

    /// <summary>No session (resource) of that id.</summary>
    SessionNotFound,

    /// <summary>A limit is reached: streams, subscribers or concurrent handshakes.</summary>
    OverCapacity,

    /// <summary>The node is shutting down.</summary>
    Closed,
}

/// <summary>Thrown by <see cref="ForwardingNode"/>; <see cref="Error"/> says why (the HTTP endpoints map it to a status code).</summary>
public sealed class ForwardingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ForwardingException(ForwardingError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of refusal.</summary>
    public ForwardingError Error { get; }
}
