using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Microsoft.Extensions.Logging;

namespace Casto.Stack.Hosting;

/// <summary>Source-generated log messages of the host (event ids 1000–1099).</summary>
internal sealed partial class HostLog(ILogger logger)
{
    private readonly ILogger _logger = logger;

    [LoggerMessage(1000, LogLevel.Information, "Listening on {Address}")]
    public partial void Listening(Multiaddr address);

    [LoggerMessage(1001, LogLevel.Debug, "Connected to {Peer} at {Address} ({Direction})")]
    public partial void Connected(PeerId peer, Multiaddr address, string direction);

    [LoggerMessage(1002, LogLevel.Debug, "Disconnected from {Peer}")]
    public partial void Disconnected(PeerId peer);

    [LoggerMessage(1003, LogLevel.Debug, "Inbound connection from {Address} failed")]
    public partial void InboundFailed(Multiaddr address, Exception exception);

    [LoggerMessage(1004, LogLevel.Debug, "Inbound connection from {Address} refused: limit reached")]
    public partial void InboundRefused(Multiaddr address);

    [LoggerMessage(1005, LogLevel.Debug, "A stream from {Peer} failed")]
    public partial void StreamFailed(PeerId peer, Exception exception);

    [LoggerMessage(1006, LogLevel.Debug, "Identify with {Peer} failed")]
    public partial void IdentifyFailed(PeerId peer, Exception exception);

    [LoggerMessage(1007, LogLevel.Debug, "Closing the connection to {Peer}: {Reason} ({OpenStreams} open streams)")]
    public partial void ConnectionTrimmed(PeerId peer, string reason, int openStreams);
}
