using Microsoft.Extensions.Logging;

namespace Casto.Sdk;

/// <summary>The SDK's log events (EventIds 900_000-900_099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 900_000, Level = LogLevel.Information, Message = "Watching stream {Stream} (first frame after {Milliseconds} ms)")]
    public static partial void Watching(ILogger logger, string stream, double milliseconds);

    [LoggerMessage(EventId = 900_001, Level = LogLevel.Warning, Message = "Stream {Stream} not found within {Seconds} s")]
    public static partial void NotFound(ILogger logger, string stream, double seconds);

    [LoggerMessage(EventId = 900_002, Level = LogLevel.Information, Message = "Stream {Stream} ended: no frame for {Seconds} s")]
    public static partial void StreamEnded(ILogger logger, string stream, double seconds);

    [LoggerMessage(EventId = 900_003, Level = LogLevel.Information, Message = "Left stream {Stream}")]
    public static partial void Left(ILogger logger, string stream);

    [LoggerMessage(EventId = 900_004, Level = LogLevel.Warning, Message = "A {Event} handler threw")]
    public static partial void HandlerFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(EventId = 900_005, Level = LogLevel.Information, Message = "Publishing stream {Stream} from {Source} as {PeerId}")]
    public static partial void Publishing(ILogger logger, string stream, string source, string peerId);

    [LoggerMessage(EventId = 900_006, Level = LogLevel.Debug, Message = "RTP source on {EndPoint}: {Reason}")]
    public static partial void RtpSourceStopped(ILogger logger, string endPoint, string reason);
}
