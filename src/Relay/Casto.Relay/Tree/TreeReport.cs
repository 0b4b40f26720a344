using Casto.Relay.Tree.Wire;
using Casto.Stack.Identity;
using Google.Protobuf;

namespace Casto.Relay.Tree;

/// <summary>One node of the live tree as the broadcaster sees it (from the reports its subtree sends up).</summary>
/// <param name="PeerId">The node.</param>
/// <param name="Parent">Its parent; null for the root.</param>
/// <param name="Depth">Hops from the broadcaster (the root is 0).</param>
/// <param name="Children">Children it has now.</param>
/// <param name="Capacity">Children it takes at most.</param>
/// <param name="LatencyMs">Broadcaster to this node, when known (needs synchronised clocks).</param>
public sealed record TreeNodeView(PeerId PeerId, PeerId? Parent, int Depth, int Children, int Capacity, double? LatencyMs)
{
    /// <summary>The round trip of its link to its parent in ms (smoothed heartbeat echoes), when known.</summary>
    public double? RttMs { get; init; }
}

/// <summary>
/// A stream's tree below this node: <see cref="Nodes"/> lists this node first, then its subtree breadth first, as far
/// as the bounded reports reach (<see cref="TreeNodeOptions.MaxReportEntries"/> per child); <see cref="Size"/>
/// counts every node, listed or not. Reports are up to a report interval per level old.
/// </summary>
public sealed record TreeSnapshot(string Stream, int Size, IReadOnlyList<TreeNodeView> Nodes);

/// <summary>Builds the subtree reports a node sends its parent and the snapshot it shows.</summary>
internal static class TreeReport
{
    /// <summary>This node's entry followed by its children's reports, breadth first, at most <paramref name="max"/>.</summary>
    public static (List<NodeReport> Entries, int Size) Build(NodeReport self, IReadOnlyList<TreeChild> children, int max)
    {
        var entries = new List<NodeReport>(Math.Min(max, 64)) { self };
        long size = 1;
        var reports = new (NodeReport[] Entries, int Size)[children.Count];
        for (int i = 0; i < children.Count; i++)
        {
            reports[i] = children[i].Subtree;
            size += Math.Max(reports[i].Size, 1);
        }

        // Breadth first across the children's lists: merge by depth (each list is itself breadth first).
        var next = new int[reports.Length];
        while (entries.Count < max)
        {
            int best = -1;
            for (int i = 0; i < reports.Length; i++)
            {
                if (next[i] < reports[i].Entries.Length
                    && (best < 0 || reports[i].Entries[next[i]].Depth < reports[best].Entries[next[best]].Depth))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            entries.Add(reports[best].Entries[next[best]++]);
        }

        return (entries, (int)Math.Min(size, int.MaxValue));
    }

    public static NodeReport Self(PeerId self, PeerId? parent, int depth, int children, int capacity, double? latencyMs, TimeSpan? rtt = null)
    {
        var r = new NodeReport { PeerId = ByteString.CopyFrom(self.Bytes), Depth = (uint)Math.Max(depth, 0), Children = (uint)children, Capacity = (uint)capacity };
        if (parent is { } p)
        {
            r.Parent = ByteString.CopyFrom(p.Bytes);
        }

        if (latencyMs is { } l)
        {
            r.LatencyUs = (int)Math.Clamp(l * 1000, int.MinValue, int.MaxValue);
        }

        if (rtt is { } t)
        {
            r.RttUs = (uint)Math.Clamp(t.Ticks / TimeSpan.TicksPerMicrosecond, 0, uint.MaxValue);
        }

        return r;
    }

    /// <summary>A report as received: entries whose ids do not parse are dropped.</summary>
    public static TreeNodeView? View(NodeReport r)
    {
        try
        {
            PeerId id = PeerId.FromBytes(r.PeerId.Span);
            PeerId? parent = r.Parent.IsEmpty ? null : PeerId.FromBytes(r.Parent.Span);
            return new TreeNodeView(id, parent, (int)Math.Min(r.Depth, 10_000), (int)Math.Min(r.Children, 1000), (int)Math.Min(r.Capacity, 1000),
                r.HasLatencyUs ? r.LatencyUs / 1000.0 : null) { RttMs = r.HasRttUs ? r.RttUs / 1000.0 : null };
        }
        catch (Exception ex) when (ex is FormatException or Casto.Stack.Identity.IdentityException)
        {
            return null;
        }
    }
}
