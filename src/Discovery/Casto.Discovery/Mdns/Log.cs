using Microsoft.Extensions.Logging;

namespace Casto.Discovery.Mdns;

/// <summary>mDNS log events (EventIds 5100–5199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Debug, Message = "mDNS started as {Instance}")]
    public static partial void Started(ILogger logger, string instance);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "mDNS dropped a malformed packet ({Error})")]
    public static partial void Malformed(ILogger logger, Dns.DnsError error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "mDNS found {PeerId} with {Count} addresses")]
    public static partial void Found(ILogger logger, string peerId, int count);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "mDNS lost {PeerId}")]
    public static partial void Lost(ILogger logger, string peerId);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "mDNS send failed on {Interface}")]
    public static partial void SendFailed(ILogger logger, Exception exception, string @interface);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Debug, Message = "mDNS could not open {Family}")]
    public static partial void FamilyUnavailable(ILogger logger, Exception exception, string family);
}
