using System.Text;
using Casto.Relay.Http;

namespace Casto.Relay.Tree;

/// <summary>The tree's Prometheus metrics for <c>/metrics</c> (give <see cref="Write"/> to <see cref="WhipServerOptions.ExtraMetrics"/>).</summary>
public static class TreeMetrics
{
    /// <summary>Depth, children, parent changes and recoveries of each stream <paramref name="node"/> carries.</summary>
    public static void Write(StringBuilder b, TreeNode node, IEnumerable<string> streams)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(streams);
        var statuses = streams.Select(node.GetStatus).OfType<TreeStreamStatus>().ToList();
        PrometheusText.Family(b, "casto_tree_depth", "gauge", "Hops from the broadcaster (0: this node broadcasts; -1: no parent yet).");
        statuses.ForEach(s => PrometheusText.Sample(b, "casto_tree_depth", s.Stream, s.Depth));
        PrometheusText.Family(b, "casto_tree_children", "gauge", "Tree children of this node.");
        statuses.ForEach(s => PrometheusText.Sample(b, "casto_tree_children", s.Stream, s.Children));
        PrometheusText.Family(b, "casto_tree_has_parent", "gauge", "1 while this node has a parent (or broadcasts).");
        statuses.ForEach(s => PrometheusText.Sample(b, "casto_tree_has_parent", s.Stream, s.IsRoot || s.Parent is not null ? 1 : 0));
        PrometheusText.Family(b, "casto_tree_latency_seconds", "gauge", "From the broadcaster to here (newest video packet; synchronised clocks assumed).");
        statuses.Where(s => s.LatencyMs is not null).ToList().ForEach(s => PrometheusText.Sample(b, "casto_tree_latency_seconds", s.Stream, s.LatencyMs!.Value / 1000));
        PrometheusText.Family(b, "casto_tree_parent_rtt_seconds", "gauge", "Round trip to the parent (smoothed heartbeat echoes).");
        statuses.Where(s => s.ParentRttMs is not null).ToList().ForEach(s => PrometheusText.Sample(b, "casto_tree_parent_rtt_seconds", s.Stream, s.ParentRttMs!.Value / 1000));
        PrometheusText.Family(b, "casto_tree_parent_changes_total", "counter", "Parents taken after the first.");
        statuses.ForEach(s => PrometheusText.Sample(b, "casto_tree_parent_changes_total", s.Stream, s.ParentChanges));
        PrometheusText.Family(b, "casto_tree_recovery_seconds", "summary", "From noticing a lost parent to media from the next one.");
        foreach (var s in statuses)
        {
            PrometheusText.Sample(b, "casto_tree_recovery_seconds_sum", s.Stream, s.Recoveries.Sum(r => r.TotalSeconds));
            PrometheusText.Sample(b, "casto_tree_recovery_seconds_count", s.Stream, s.Recoveries.Count);
        }
    }
}
