using Microsoft.Extensions.Logging;

namespace Casto.Discovery.Signal;

/// <summary>Source-generated log messages of star signalling (event ids 3000–3099).</summary>
internal sealed partial class SignalLog(ILogger logger)
{
    private readonly ILogger _logger = logger;

    [LoggerMessage(3000, LogLevel.Information, "Signal server listening on {Address}")]
    public partial void Listening(string address);

    [LoggerMessage(3001, LogLevel.Debug, "Peer {Peer} registered")]
    public partial void Registered(string peer);

    [LoggerMessage(3002, LogLevel.Debug, "Connection of {Peer} closed: {Reason}")]
    public partial void Closed(string peer, string reason);

    [LoggerMessage(3003, LogLevel.Debug, "Connection of {Peer} failed")]
    public partial void Failed(string peer, Exception exception);

    [LoggerMessage(3004, LogLevel.Debug, "Connection refused: {Reason}")]
    public partial void Refused(string reason);
}
