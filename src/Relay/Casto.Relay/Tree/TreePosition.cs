using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Relay.Tree;

/// <summary>A child as its parent sees it: the room it reported, and the children of its own with room.</summary>
internal sealed class TreeChild(PeerId peerId, IReadOnlyList<Multiaddr> addresses, int capacity)
{
    public PeerId PeerId { get; } = peerId;

    public int Free { get; set; } = capacity;

    public int Children { get; set; }

    public TreeCandidate AsCandidate(int depth) => new(PeerId, addresses, depth, Free);

    public IReadOnlyList<TreeCandidate> WithRoom { get; set; } = [];
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
        }
    }

    /// <summary>The parent at <paramref name="parentDepth"/> with <paramref name="parentPath"/> (root first, ending with it).</summary>
    public void SetParent(TreeCandidate parent, int parentDepth, IReadOnlyList<PeerId> parentPath, IEnumerable<TreeCandidate> parentAncestors)
    {
        lock (_gate)
        {
            (Parent, Depth, _path) = (parent.PeerId, parentDepth + 1, [.. parentPath, self]);
            _ancestors = [.. parentAncestors.Take(15), parent with { Depth = parentDepth }];
        }
    }

    public void LoseParent()
    {
        lock (_gate)
        {
            Parent = null;
        }
    }

    public TreeChild? TryAddChild(PeerId peer, IReadOnlyList<Multiaddr> addresses, int capacity, int maxChildren)
    {
        lock (_gate)
        {
            if (_children.Count >= maxChildren || _children.ContainsKey(peer))
            {
                return null;
            }

            var child = new TreeChild(peer, addresses, capacity);
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

    public IReadOnlySet<PeerId> ChildIds()
    {
        lock (_gate)
        {
            return _children.Keys.ToHashSet();
        }
    }

    /// <summary>Our children with room (for our parent's redirects).</summary>
    public List<TreeCandidate> ChildrenWithRoom(int limit)
    {
        lock (_gate)
        {
            int depth = Math.Max(Depth, 0) + 1;
            return [.. _children.Values.Where(c => c.Free > 0).Select(c => c.AsCandidate(depth)).Take(limit)];
        }
    }

    /// <summary>Where a joiner this node cannot take should go: children with room, their children with room, then every child.</summary>
    public List<TreeCandidate> RedirectTargets(int limit)
    {
        lock (_gate)
        {
            int depth = Math.Max(Depth, 0) + 1;
            return [.. _children.Values.Where(c => c.Free > 0).Select(c => c.AsCandidate(depth))
                .Concat(_children.Values.SelectMany(c => c.WithRoom))
                .Concat(_children.Values.Where(c => c.Free <= 0).Select(c => c.AsCandidate(depth)))
                .Take(limit)];
        }
    }
}
