using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Relay.Tree;

/// <summary>Limits and timings of a <see cref="TreeNode"/> (every stream it carries).</summary>
public sealed class TreeNodeOptions
{
    /// <summary>Children this node takes per stream; 0 makes it a leaf (it never relays). Default 2.</summary>
    public int MaxChildren { get; set; } = 2;

    /// <summary>How often a parent and a child tell each other their state. Default 100 ms.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A parent whose control stream is silent this long (no heartbeat) is gone, even if the stream stays open. Default
    /// 1 s. The faster signals come first: a killed parent's sockets close at once, and media silent for the forwarding
    /// node's <c>PublisherMediaTimeout</c> (300 ms) marks the upstream connection disconnected.
    /// </summary>
    public TimeSpan ParentTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Dialing a candidate, its reply and the media connection, at most. Default 5 s.</summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a leaving node (<see cref="TreeNode.LeaveAsync"/>) waits for its children to move to their new parents. Default 3 s.</summary>
    public TimeSpan HandOffTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Pause after a round in which no candidate took us, doubling up to <see cref="MaxRetryDelay"/>. Default 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Longest pause between rounds of join attempts (a node whose broadcaster is gone retries its known candidates
    /// this often; a candidate from discovery ends the pause at once). Default 1 s.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Candidates a joiner remembers per stream (given, learnt from redirects and ancestors). Default 64.</summary>
    public int MaxCandidates { get; set; } = 64;

    /// <summary>
    /// How long a candidate's reported free room is believed (from a redirect, a heartbeat or discovery); after it the
    /// candidate ranks as of unknown room, behind those heard of since. Default 2 s.
    /// </summary>
    public TimeSpan CandidateFreshness { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often (jittered, doubling up to 8× while nothing better is found) a node two or more levels deeper than the
    /// tree's shallowest room looks for a better place and moves there make-before-break, its subtree with it; after
    /// crashes the tree grows deep without it. <see cref="TimeSpan.Zero"/> turns rebalancing off. Default 5 s.
    /// </summary>
    public TimeSpan RebalanceInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many equally good candidates (known room, the same shallowest depth) a joiner probes at once before it
    /// asks the nearest: it dials them concurrently and times each dial's handshake (a candidate already connected
    /// answers one <c>/ipfs/ping/1.0.0</c> instead). 1 turns probing off (round trips already known still break ties).
    /// Default 3 (at most 16).
    /// </summary>
    public int ProbeCandidates { get; set; } = 3;

    /// <summary>
    /// How long the other probes go on once the first answered (the join goes on at once with the first: all started
    /// together, it is the nearest), so that their round trips are remembered; then they are cancelled. Default 250 ms.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Peers whose round trip this node remembers (from probes, dial handshakes and live links), the oldest sample dropped first. Default 256.</summary>
    public int RttCacheSize { get; set; } = 256;

    /// <summary>How long a remembered round trip is believed after its latest sample. Default 60 s.</summary>
    public TimeSpan RttLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Join requests being answered at once; more are refused until one ends. Default 32.</summary>
    public int MaxPendingJoins { get; set; } = 32;

    /// <summary>Largest control message (an SDP with its candidates fits). Default 64 KiB.</summary>
    public int MaxMessageSize { get; set; } = 64 * 1024;

    /// <summary>How often a child reports its subtree to its parent (what the broadcaster's <c>/tree</c> shows). Default 1 s.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Nodes listed in one subtree report (the rest are only counted). Default 256.</summary>
    public int MaxReportEntries { get; set; } = 256;

    /// <summary>Clock of heartbeats, timeouts and recovery times. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logs joins, parent changes and recoveries. Default none.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChildren, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxChildren, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ParentTimeout, HeartbeatInterval);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(JoinTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(HandOffTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, RetryDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCandidates, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CandidateFreshness, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RebalanceInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ProbeCandidates, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ProbeCandidates, 16);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ProbeTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RttCacheSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RttCacheSize, 4096);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RttLifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingJoins, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReportInterval, HeartbeatInterval);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReportEntries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxReportEntries, 4096);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
    }
}
