using Casto.WebRtc.Dtls;
using Microsoft.Extensions.Logging;

namespace Casto.WebRtc.PeerConnection;

/// <summary>Peer connection log messages (EventIds 6000–6099); silent unless a logger factory is given.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Debug, Message = "Peer connection {Id} is {State}")]
    public static partial void StateChanged(ILogger logger, string id, RtcPeerConnectionState state);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Peer connection {Id}: DTLS-SRTP established as {Role}")]
    public static partial void DtlsConnected(ILogger logger, string id, DtlsRole role);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Peer connection {Id}: connecting failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Peer connection {Id}: ICE failed")]
    public static partial void IceFailed(ILogger logger, string id);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Peer connection {Id}: an SRTP packet failed authentication or replay checks")]
    public static partial void UndecryptableRtp(ILogger logger, string id);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug, Message = "Peer connection {Id}: an SRTCP packet failed authentication or replay checks")]
    public static partial void UndecryptableRtcp(ILogger logger, string id);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "Peer connection {Id}: no media for {TimeoutMs} ms, disconnected")]
    public static partial void MediaStalled(ILogger logger, string id, double timeoutMs);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning, Message = "An RtpReceived handler threw; the packet was dropped for the handlers after it")]
    public static partial void HandlerFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Debug, Message = "Peer connection {Id}: ICE {State}")]
    public static partial void IceState(ILogger logger, string id, Casto.WebRtc.Ice.IceConnectionState state);
}
