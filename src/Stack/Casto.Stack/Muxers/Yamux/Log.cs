using Microsoft.Extensions.Logging;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>Yamux log events (EventIds 3100–3199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Yamux session started as {Role}")]
    public static partial void SessionStarted(ILogger logger, string role);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Yamux session ended")]
    public static partial void SessionEnded(ILogger logger);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Yamux session failed ({Error})")]
    public static partial void SessionFailed(ILogger logger, YamuxError error, Exception exception);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Remote sent go-away: no new streams")]
    public static partial void RemoteGoAway(ILogger logger);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "Refused inbound stream {StreamId}: {Reason}")]
    public static partial void StreamRefused(ILogger logger, uint streamId, string reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Trace, Message = "Round-trip time {Rtt}")]
    public static partial void RttMeasured(ILogger logger, TimeSpan rtt);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Trace, Message = "Stream {StreamId} receive window grew to {Window} bytes")]
    public static partial void WindowGrown(ILogger logger, uint streamId, long window);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Debug, Message = "Disposing the connection failed")]
    public static partial void DisposeFailed(ILogger logger, Exception exception);
}
