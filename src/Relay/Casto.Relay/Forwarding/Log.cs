using Casto.WebRtc.PeerConnection;
using Microsoft.Extensions.Logging;

namespace Casto.Relay.Forwarding;

/// <summary>Forwarding log messages (EventIds 7000–7099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Stream {Stream}: source attached (replacing one: {Replaced})")]
    public static partial void SourceSet(ILogger logger, string stream, bool replaced);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Stream {Stream}: source detached")]
    public static partial void SourceRemoved(ILogger logger, string stream);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Stream {Stream}: subscriber added ({Count} now)")]
    public static partial void SubscriberAdded(ILogger logger, string stream, int count);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Stream {Stream}: subscriber {State}, removed ({Count} left)")]
    public static partial void SubscriberRemoved(ILogger logger, string stream, RtcPeerConnectionState state, int count);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Stream {Stream}: session {Id} opened (publisher: {IsPublisher})")]
    public static partial void SessionOpened(ILogger logger, string stream, string id, bool isPublisher);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Stream {Stream}: session {Id} ended (publisher: {IsPublisher})")]
    public static partial void SessionEnded(ILogger logger, string stream, string id, bool isPublisher);
}
