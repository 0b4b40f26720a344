using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Relay.Tree;

/// <summary>A child as its parent sees it: the room it reported, and the children of its own with room.</summary>
internal sealed class TreeChild(PeerId peerId, IReadOnlyList<Multiaddr> addresses, int capacity, TreeChannel channel)
{
    public PeerId PeerId { get; } = peerId;

    /// <summary>Its control stream (for a hand-off).</summary>
    public TreeChannel Channel { get; } = channel;

    /// <summary>Completes when the child is gone.</summary>
    public TaskCompletionSource Gone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Free { get; set; } = capacity;

    public int Children { get; set; }

    public TreeCandidate AsCandidate(int depth) => new(PeerId, addresses, depth, Free);

    public IReadOnlyList<TreeCandidate> WithRoom { get; set; } = [];

    /// <summary>The shallowest depth at which its subtree has room (its heartbeat's <c>room_depth</c>); null: full or unknown.</summary>
    public int? RoomDepth { get; set; }

    /// <summary>Its latest subtree report (itself first, breadth first, bounded) and the size of the whole subtree.</summary>
    public (Wire.NodeReport[] Entries, int Size) Subtree { get; set; } = ([], 1);
}

/// <summary>This node's place in one stream's tree: depth, path from the root, children. Guarded by its own lock.</summary>
internal sealed class TreePosition(string stream, PeerId self)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PeerId, TreeChild> _children = [];
    private PeerId[] _path = [];
    private TreeCandidate[] _ancestors = [];

    public string Stream { get; } = stream;

    public bool IsRoot { get; private set; }

    /// <summary>The numbering domain of what this node receives: its parent's <see cref="OutputEpoch"/> (0 before the first parent).</summary>
    public ulong InputEpoch { get; private set; }

    /// <summary>
    /// The numbering domain of what this node sends its children, told to them: its input's, until the node once had to
    /// rebase its children (a parent of another domain after it already had numbering); from then on its own.
    /// </summary>
    public ulong OutputEpoch { get; private set; }

    private bool _ownDomain;

    /// <summary>The root's mapping of the stream's RTP time to its clock, as last heard (the root's own at the root); null when unknown or when this node renumbered its children.</summary>
    public (uint RtpTimestamp, long UnixMicros)? Origin { get; set; }

    /// <summary>Whether this node's children see its own numbering (timestamps no longer the root's).</summary>
    public bool OwnDomain => _ownDomain;

    /// <summary>The shallowest depth with room in the whole tree, as the parent's heartbeat told it; null when unknown.</summary>
    public int? TreeRoomDepth { get; set; }

    /// <summary>The smoothed round trip to the current parent (heartbeat echoes); null without a parent or before the first echo.</summary>
    public TimeSpan? ParentRtt
    {
        get => Volatile.Read(ref _parentRttTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;
        set => Volatile.Write(ref _parentRttTicks, value?.Ticks ?? -1);
    }

    private long _parentRttTicks = -1;

    /// <summary>Set while this node hands its children off: it takes no more joiners.</summary>
    public bool Leaving { get; set; }

    /// <summary>Depth now (root 0); -1 before a first parent.</summary>
    public int Depth { get; private set; } = -1;

    public PeerId? Parent { get; private set; }

    /// <summary>Root first, ending with this node; the last known one while the parent is being replaced.</summary>
    public IReadOnlyList<PeerId> Path
    {
        get
        {
            lock (_gate)
            {
                return _path;
            }
        }
    }

    /// <summary>Our ancestors with their addresses, root first, ending with the parent: where to go if it dies.</summary>
    public IReadOnlyList<TreeCandidate> Ancestors
    {
        get
        {
            lock (_gate)
            {
                return _ancestors;
            }
        }
    }

    public void SetRoot()
    {
        lock (_gate)
        {
            (IsRoot, Depth, Parent, _path) = (true, 0, null, [self]);
            InputEpoch = OutputEpoch = NewEpoch();
        }
    }

    /// <summary>The parent at <paramref name="parentDepth"/> with <paramref name="parentPath"/> (root first, ending with it).</summary>
    public void SetParent(TreeCandidate parent, int parentDepth, IReadOnlyList<PeerId> parentPath, IEnumerable<TreeCandidate> parentAncestors, ulong epoch)
    {
        lock (_gate)
        {
            if (epoch != InputEpoch && InputEpoch != 0 && !_ownDomain)
            {
                (_ownDomain, OutputEpoch) = (true, NewEpoch()); // our children were rebased: their numbering is ours now
            }

            InputEpoch = epoch;
            OutputEpoch = _ownDomain ? OutputEpoch : epoch;
            (Parent, Depth) = (parent.PeerId, parentDepth + 1);
            PeerId[] path = [.. parentPath, self];
            TreeCandidate[] ancestors = [.. parentAncestors.TakeLast(15), parent with { Depth = parentDepth }]; // the nearest matter most
            if (!path.AsSpan().SequenceEqual(_path))
            {
                _path = path;
            }

            if (!SameAncestors(ancestors, _ancestors))
            {
                _ancestors = ancestors; // kept when repeated, so that our children's heartbeats can say "same path"
            }
        }
    }

    private static bool SameAncestors(TreeCandidate[] a, TreeCandidate[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (!a[i].PeerId.Equals(b[i].PeerId) || a[i].Depth != b[i].Depth || !a[i].Addresses.SequenceEqual(b[i].Addresses))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong NewEpoch() => (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    public void LoseParent()
    {
        lock (_gate)
        {
            Parent = null;
        }

        ParentRtt = null;
    }

    /// <summary>Successors a leaving child named, with the timestamp until which they may join over the limit.</summary>
    private readonly Dictionary<PeerId, long> _successors = [];

    /// <summary>A leaving child asks us to take <paramref name="peers"/> even when full, until <paramref name="until"/>.</summary>
    public void ReserveFor(IEnumerable<PeerId> peers, long until, int max)
    {
        lock (_gate)
        {
            long now = until - 1;
            foreach (PeerId stale in _successors.Where(kv => kv.Value < now).Select(kv => kv.Key).ToList())
            {
                _successors.Remove(stale); // expired: never came
            }

            foreach (PeerId p in peers.Take(max))
            {
                if (_successors.Count < 64)
                {
                    _successors[p] = until;
                }
            }
        }
    }

    public TreeChild? TryAddChild(PeerId peer, IReadOnlyList<Multiaddr> addresses, int capacity, TreeChannel channel, int maxChildren, long now)
    {
        lock (_gate)
        {
            bool successor = _successors.Remove(peer, out long until) && until > now;
            if (Leaving || (_children.Count >= maxChildren && !(successor && _children.Count < 2 * maxChildren)) || _children.ContainsKey(peer))
            {
                return null;
            }

            var child = new TreeChild(peer, addresses, capacity, channel);
            _children.Add(peer, child);
            return child;
        }
    }

    public void RemoveChild(TreeChild child)
    {
        lock (_gate)
        {
            if (_children.GetValueOrDefault(child.PeerId) == child)
            {
                _children.Remove(child.PeerId);
            }

            child.Gone.TrySetResult();
        }
    }

    public int ChildCount
    {
        get
        {
            lock (_gate)
            {
                return _children.Count;
            }
        }
    }

    public TreeChild[] Children()
    {
        lock (_gate)
        {
            return [.. _children.Values];
        }
    }

    public IReadOnlySet<PeerId> ChildIds()
    {
        lock (_gate)
        {
            return _children.Keys.ToHashSet();
        }
    }

    /// <summary>
    /// The nodes of our subtree with room, for our parent's redirects: our children with room and what they said of
    /// theirs, shallowest first, then most free (the same node once, its own report first).
    /// </summary>
    public List<TreeCandidate> ChildrenWithRoom(int limit)
    {
        lock (_gate)
        {
            int depth = Math.Max(Depth, 0) + 1;
            var seen = new HashSet<PeerId>();
            return [.. _children.Values.Where(c => c.Free > 0).Select(c => c.AsCandidate(depth))
                .Concat(_children.Values.SelectMany(c => c.WithRoom).Where(c => c.Free > 0))
                .Where(c => seen.Add(c.PeerId))
                .OrderBy(c => c.Depth).ThenByDescending(c => c.Free)
                .Take(limit)];
        }
    }

    /// <summary>Where a joiner this node cannot take should go: children with room, the nodes with room below them (shallowest first), then every child.</summary>
    public List<TreeCandidate> RedirectTargets(int limit)
    {
        lock (_gate)
        {
            int depth = Math.Max(Depth, 0) + 1;
            List<TreeCandidate> targets = [.. _children.Values.Where(c => c.Free > 0).OrderByDescending(c => c.Free).Select(c => c.AsCandidate(depth))
                .Concat(_children.Values.SelectMany(c => c.WithRoom).Where(c => c.Free != 0).OrderBy(c => c.Depth).ThenByDescending(c => c.Free))
                .Concat(_children.Values.Where(c => c.Free <= 0).OrderBy(c => c.RoomDepth ?? int.MaxValue).Select(c => c.AsCandidate(depth)))
                .Take(limit)];
            ReserveFirst(targets);
            return targets;
        }
    }

    /// <summary>
    /// Under the lock: the joiner will take the first target with room; count that place as taken until the next
    /// heartbeat says otherwise, so joiners arriving together (within a heartbeat) spread over the level instead of all
    /// going to one node, which would push the rest a level down.
    /// </summary>
    private void ReserveFirst(List<TreeCandidate> targets)
    {
        if (targets.Count == 0 || targets[0].Free <= 0)
        {
            return;
        }

        PeerId first = targets[0].PeerId;
        if (_children.TryGetValue(first, out var child))
        {
            child.Free--;
            return;
        }

        foreach (var c in _children.Values)
        {
            var list = c.WithRoom.ToList();
            int i = list.FindIndex(w => w.PeerId.Equals(first));
            if (i >= 0)
            {
                list[i] = list[i] with { Free = list[i].Free - 1 };
                c.WithRoom = list;
                return;
            }
        }
    }

    /// <summary>The shallowest depth at which this node's subtree can take a node (see <see cref="TreeChild.RoomDepth"/>).</summary>
    public int? RoomDepth(int maxChildren)
    {
        lock (_gate)
        {
            if (Depth < 0)
            {
                return null;
            }

            if (_children.Count < maxChildren)
            {
                return Depth;
            }

            int? best = null;
            foreach (var c in _children.Values)
            {
                int? d = c.Free > 0 ? Depth + 1 : c.RoomDepth;
                if (d is { } v && (best is null || v < best))
                {
                    best = v;
                }
            }

            return best;
        }
    }
}
