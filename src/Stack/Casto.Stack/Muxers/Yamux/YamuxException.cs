namespace Casto.Stack.Muxers.Yamux;

/// <summary>What went wrong in a yamux session or stream.</summary>
public enum YamuxError
{
    /// <summary>The remote broke the protocol: unknown frame type, frame on the wrong stream, duplicate stream, flooding.</summary>
    ProtocolError,
    /// <summary>A frame header carried a version other than 0.</summary>
    InvalidVersion,
    /// <summary>The remote sent more data than the receive window allowed.</summary>
    WindowExceeded,
    /// <summary>Opening a stream would exceed <see cref="YamuxOptions.MaxStreams"/>, or stream ids ran out.</summary>
    StreamLimit,
    /// <summary>The session has ended or is closing.</summary>
    SessionClosed,
    /// <summary>The stream was reset, by either side.</summary>
    StreamReset,
    /// <summary>The remote sent go-away: no new streams, or (with an error code) the session ended.</summary>
    GoAway,
    /// <summary>A keep-alive ping was not answered in time.</summary>
    Timeout,
    /// <summary>The underlying connection failed or ended in the middle of a frame.</summary>
    ConnectionError,
}

/// <summary>Thrown by yamux sessions and streams; <see cref="Error"/> says why.</summary>
public sealed class YamuxException : IOException
{
    /// <summary>Creates the exception.</summary>
    public YamuxException(YamuxError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public YamuxError Error { get; }
}
