using Microsoft.Extensions.Logging;

namespace Casto.Discovery.Kad;

/// <summary>Source-generated log messages of the Kademlia DHT (event ids 5300–5399).</summary>
internal sealed partial class KadLog(ILogger logger)
{
    private readonly ILogger _logger = logger;

    [LoggerMessage(5300, LogLevel.Debug, "Kad request to {Peer} failed: {Reason}")]
    public partial void RequestFailed(string peer, string reason);

    [LoggerMessage(5301, LogLevel.Debug, "Kad inbound stream from {Peer} reset: {Reason}")]
    public partial void InboundFailed(string peer, string reason);

    [LoggerMessage(5302, LogLevel.Debug, "Kad liveness check of {Peer} failed: {Reason}")]
    public partial void LivenessFailed(string peer, string reason);

    [LoggerMessage(5303, LogLevel.Debug, "Kad lookup finished: {Queried} queried, {Failed} failed, {Hops} hops")]
    public partial void LookupDone(int queried, int failed, int hops);

    [LoggerMessage(5304, LogLevel.Debug, "Kad bootstrap peer {Address} failed: {Reason}")]
    public partial void BootstrapFailed(string address, string reason);

    [LoggerMessage(5305, LogLevel.Debug, "Kad maintenance failed: {Reason}")]
    public partial void MaintenanceFailed(string reason);

    [LoggerMessage(5306, LogLevel.Debug, "Kad refused a record for {Key}: {Reason}")]
    public partial void RecordRefused(string key, string reason);
}
