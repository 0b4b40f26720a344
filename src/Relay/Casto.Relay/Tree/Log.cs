using Casto.Stack.Identity;
using Microsoft.Extensions.Logging;

namespace Casto.Relay.Tree;

/// <summary>Tree log messages (event ids 7100+).</summary>
internal static partial class Log
{
    [LoggerMessage(7100, LogLevel.Information, "Tree {Stream}: child {Peer} joined")]
    public static partial void ChildJoined(ILogger logger, string stream, PeerId peer);

    [LoggerMessage(7101, LogLevel.Information, "Tree {Stream}: child {Peer} left")]
    public static partial void ChildLeft(ILogger logger, string stream, PeerId peer);

    [LoggerMessage(7102, LogLevel.Information, "Tree {Stream}: parent {Peer} at depth {Depth}")]
    public static partial void ParentTaken(ILogger logger, string stream, PeerId peer, int depth);

    [LoggerMessage(7103, LogLevel.Warning, "Tree {Stream}: parent {Peer} lost ({Reason})")]
    public static partial void ParentLost(ILogger logger, string stream, PeerId peer, string reason);

    [LoggerMessage(7104, LogLevel.Debug, "Tree {Stream}: candidate {Peer} did not take us ({Reason})")]
    public static partial void CandidateFailed(ILogger logger, string stream, PeerId peer, string reason);

    [LoggerMessage(7105, LogLevel.Information, "Tree {Stream}: receiving again {Milliseconds} ms after the parent was lost")]
    public static partial void Recovered(ILogger logger, string stream, double milliseconds);

    [LoggerMessage(7108, LogLevel.Debug, "Tree {Stream}: candidate {Peer} redirected us to {Count} others")]
    public static partial void Redirected(ILogger logger, string stream, PeerId peer, int count);

    [LoggerMessage(7109, LogLevel.Trace, "Tree {Stream}: asking {Peer} (depth {Depth}, free {Free})")]
    public static partial void Asking(ILogger logger, string stream, PeerId peer, int depth, int free);

    [LoggerMessage(7110, LogLevel.Information, "Tree {Stream}: moving up from depth {From} to {To} under {Peer} (make-before-break)")]
    public static partial void MovingUp(ILogger logger, string stream, int from, int to, PeerId peer);

    [LoggerMessage(7111, LogLevel.Information, "Tree {Stream}: probed {Probed} candidate(s) at depth {Depth}; nearest {Peer} ({RttMs} ms)")]
    public static partial void Probed(ILogger logger, string stream, int probed, int depth, PeerId peer, double rttMs);

    [LoggerMessage(7112, LogLevel.Debug, "Tree {Stream}: probing {Peer} failed ({Reason})")]
    public static partial void ProbeFailed(ILogger logger, string stream, PeerId peer, string reason);

    [LoggerMessage(7106, LogLevel.Information, "Tree {Stream}: DHT lookup found {Count} provider(s)")]
    public static partial void DhtProviders(ILogger logger, string stream, int count);

    [LoggerMessage(7107, LogLevel.Warning, "Tree {Stream}: DHT {Operation} failed ({Reason})")]
    public static partial void DhtFailed(ILogger logger, string stream, string operation, string reason);
}
