// Spec: docs/tree-protocol.md (/casto/tree/1.0.0)
using Casto.Relay.Forwarding;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Protocols.Ping;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Casto.Relay.Tree;

/// <summary>
/// A node of the live relay tree: libp2p (the <see cref="CastoHost"/>) carries the control protocol
/// <c>/casto/tree/1.0.0</c>, WebRTC (the <see cref="ForwardingNode"/>) the media. As a parent it answers joiners
/// (accepts up to <see cref="TreeNodeOptions.MaxChildren"/>, redirects the rest to its children, refuses cycles) and
/// forwards each stream it carries to its children; as a child (<see cref="Join"/>) it keeps a parent, finding a new
/// one when the parent goes. <see cref="Broadcast"/> makes it a stream's root.
/// </summary>
public sealed partial class TreeNode : IAsyncDisposable
{
    /// <summary>The control protocol id.</summary>
    public const string Protocol = "/casto/tree/1.0.0";

    private readonly CastoHost _host;
    private readonly ITreeMedia _media;
    private readonly TreeNodeOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TreePosition> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TreeMembership> _memberships = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private int _pendingJoins;

    /// <summary>Serves the tree protocol on <paramref name="host"/>; media goes through <paramref name="forwarding"/>. Neither is owned.</summary>
    public TreeNode(CastoHost host, ForwardingNode forwarding, TreeNodeOptions? options = null)
        : this(host, new ForwardingTreeMedia(forwarding ?? throw new ArgumentNullException(nameof(forwarding))), options)
    {
    }

    /// <summary>The tree control over any media plane (the simulation's has no media).</summary>
    internal TreeNode(CastoHost host, ITreeMedia media, TreeNodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(media);
        _options = options ?? new TreeNodeOptions();
        _options.Validate();
        (_host, _media) = (host, media);
        _logger = _options.LoggerFactory.CreateLogger<TreeNode>();
        Rtts = new RttCache(_options.RttCacheSize, _options.RttLifetime, _options.TimeProvider);
        host.SetStreamHandler(Protocol, HandleJoinAsync);
        if (!host.Protocols.Contains(PingProtocol.Id, StringComparer.Ordinal))
        {
            // Joiners probe candidates they are connected to with it (TreeNodeOptions.ProbeCandidates). Kept after
            // dispose, as the DHT does: stateless, and another service may rely on it since it found it registered.
            PingProtocol.Register(host);
        }
    }

    /// <summary>This node's peer id.</summary>
    public PeerId PeerId => _host.PeerId;

    /// <summary>This node as a candidate parent for <paramref name="stream"/> (its listen addresses, depth and room).</summary>
    public TreeCandidate AsCandidate(string stream)
    {
        TreePosition? p = Position(stream);
        return new TreeCandidate(PeerId, _host.ListenAddresses, p?.Depth is >= 0 and var d ? d : int.MaxValue, _options.MaxChildren - (p?.ChildCount ?? 0));
    }

    /// <summary>Makes this node the root of <paramref name="stream"/>: its <see cref="ForwardingNode"/> takes the publisher (WHIP or local).</summary>
    public void Broadcast(string stream)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        GetOrAddPosition(stream).SetRoot();
    }

    /// <summary>
    /// Joins <paramref name="stream"/>'s tree starting from <paramref name="candidates"/> (any node carrying it: the root,
    /// a relay) and keeps a parent until the membership is disposed: when the parent goes it rejoins, first at the
    /// parent's ancestors, then at the other candidates it knows.
    /// </summary>
    public TreeMembership Join(string stream, IEnumerable<TreeCandidate> candidates)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(candidates);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing.IsCancellationRequested, this);
            if (_memberships.ContainsKey(stream))
            {
                throw new InvalidOperationException($"Already joined '{stream}'.");
            }

            var membership = new TreeMembership(this, GetOrAddPosition(stream), candidates, _closing.Token);
            _memberships.Add(stream, membership);
            membership.Start();
            return membership;
        }
    }

    /// <summary>The streams this node broadcasts or has joined.</summary>
    public IReadOnlyList<string> Streams
    {
        get
        {
            lock (_gate)
            {
                return [.. _positions.Keys];
            }
        }
    }

    /// <summary>Where this node stands in <paramref name="stream"/>'s tree, or null when it does not carry it.</summary>
    public TreeStreamStatus? GetStatus(string stream)
    {
        TreePosition? p = Position(stream);
        if (p is null)
        {
            return null;
        }

        TreeMembership? m;
        lock (_gate)
        {
            m = _memberships.GetValueOrDefault(stream);
        }

        return new TreeStreamStatus(stream, p.IsRoot, p.Depth, p.Parent, p.ChildCount, m?.ParentChanges ?? 0, m?.Recoveries ?? []) { LatencyMs = Latency(p), ParentRttMs = p.ParentRtt?.TotalMilliseconds };
    }

    /// <summary>
    /// <paramref name="stream"/>'s tree from this node down (on the broadcaster: the whole tree), from the reports its
    /// subtree sends up every <see cref="TreeNodeOptions.ReportInterval"/>; null when this node does not carry it.
    /// </summary>
    public TreeSnapshot? GetTree(string stream)
    {
        if (Position(stream) is not { } p)
        {
            return null;
        }

        var (entries, size) = SubtreeReport(p);
        return new TreeSnapshot(stream, size, [.. entries.Select(TreeReport.View).OfType<TreeNodeView>()]);
    }

    /// <summary>This node and its subtree as it reports them to its parent.</summary>
    internal (List<Wire.NodeReport> Entries, int Size) SubtreeReport(TreePosition p) =>
        TreeReport.Build(TreeReport.Self(PeerId, p.Parent, p.Depth, p.ChildCount, _options.MaxChildren, Latency(p), p.ParentRtt), p.Children(), _options.MaxReportEntries);

    /// <summary>A disposed membership: the stream may be joined again.</summary>
    internal void Forget(TreeMembership membership)
    {
        lock (_gate)
        {
            if (_memberships.GetValueOrDefault(membership.Stream) == membership)
            {
                _memberships.Remove(membership.Stream);
            }
        }
    }

    /// <summary>
    /// From the broadcaster to here, in ms: our newest video packet's arrival minus its time on the publisher's clock
    /// (its sender reports, passed down the tree) or, before one is heard, minus the root's arrival of the same RTP time
    /// (90 kHz; heartbeats carry the root's mapping).
    /// </summary>
    internal double? Latency(TreePosition p)
    {
        if (_media.NewestVideo(p.Stream) is not { } newest)
        {
            return null;
        }

        if (_media.VideoClock(p.Stream) is { } clock)
        {
            long sentUnixMicros = (clock.WallClockOf(newest.RtpTimestamp, 90_000) - DateTimeOffset.UnixEpoch).Ticks / 10;
            return Math.Round((newest.ArrivedUnixMicros - sentUnixMicros) / 1000.0, 1);
        }

        if (p.IsRoot)
        {
            return 0;
        }

        if (p.Origin is not { } origin)
        {
            return null;
        }

        long originOfNewest = origin.UnixMicros + ((int)(newest.RtpTimestamp - origin.RtpTimestamp) * 1000L / 90);
        return Math.Round((newest.ArrivedUnixMicros - originOfNewest) / 1000.0, 1);
    }

    internal CastoHost Host => _host;

    internal ITreeMedia Media => _media;

    /// <summary>The peer is a parent, a child or a kept-warm grandparent of ours in some stream (its connection is in use).</summary>
    internal bool IsNeighbour(PeerId peer)
    {
        TreePosition[] positions;
        lock (_gate)
        {
            positions = [.. _positions.Values];
        }

        TreeMembership[] memberships;
        lock (_gate)
        {
            memberships = [.. _memberships.Values];
        }

        return positions.Any(p => peer.Equals(p.Parent) || p.ChildIds().Contains(peer)) || memberships.Any(m => peer.Equals(m.WarmPeer));
    }

    internal TreeNodeOptions Options => _options;

    /// <summary>Round trips to peers, shared by every stream: probes, dial handshakes and live links feed it; ranking reads it.</summary>
    internal RttCache Rtts { get; }

    internal ILogger Logger => _logger;

    private TreePosition? Position(string stream)
    {
        lock (_gate)
        {
            return _positions.GetValueOrDefault(stream);
        }
    }

    private TreePosition GetOrAddPosition(string stream)
    {
        lock (_gate)
        {
            if (!_positions.TryGetValue(stream, out TreePosition? p))
            {
                p = new TreePosition(stream, PeerId);
                _positions.Add(stream, p);
            }

            return p;
        }
    }

    internal static ByteString[] Wire(IEnumerable<PeerId> path) => [.. path.Select(p => ByteString.CopyFrom(p.Bytes))];

    internal static PeerId[] FromWire(IEnumerable<ByteString> path, int limit) => [.. path.Take(limit).Select(b => PeerId.FromBytes(b.Span))];

    /// <summary>Leaves every tree (children are not handed off yet: they find new parents) and stops serving the protocol.</summary>
    public async ValueTask DisposeAsync()
    {
        TreeMembership[] memberships;
        lock (_gate)
        {
            if (_closing.IsCancellationRequested)
            {
                return;
            }

            _closing.Cancel();
            memberships = [.. _memberships.Values];
        }

        _host.RemoveStreamHandler(Protocol);
        foreach (TreeMembership m in memberships)
        {
            await m.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Where a node stands in one stream's tree.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="IsRoot">This node broadcasts it.</param>
/// <param name="Depth">Hops from the root (root 0); -1 before the first parent.</param>
/// <param name="Parent">The current parent; null for the root and while a new one is being found.</param>
/// <param name="Children">Children now.</param>
/// <param name="ParentChanges">Parents taken after the first.</param>
/// <param name="Recoveries">For each parent lost: from noticing the loss to the first packet from the next parent.</param>
public sealed record TreeStreamStatus(string Stream, bool IsRoot, int Depth, PeerId? Parent, int Children, long ParentChanges, IReadOnlyList<TimeSpan> Recoveries)
{
    /// <summary>
    /// From the broadcaster to this node, in ms: the newest video packet's arrival here minus its arrival at the root,
    /// through the root's RTP-to-clock mapping passed down in heartbeats. Needs the nodes' clocks synchronised (NTP);
    /// null when unknown. 0 at the root.
    /// </summary>
    public double? LatencyMs { get; init; }

    /// <summary>The smoothed round trip to the parent in ms, from heartbeat echoes (no clock sync needed); null for the root, without a parent, or before the first echo.</summary>
    public double? ParentRttMs { get; init; }
}
