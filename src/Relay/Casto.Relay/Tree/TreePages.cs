using System.Text.Json;
using Casto.Relay.Http;
using Microsoft.AspNetCore.Http;

namespace Casto.Relay.Tree;

/// <summary>
/// The live tree over HTTP: <c>/tree.json</c> (and <c>/tree</c> asked for <c>application/json</c>) lists each
/// stream's nodes as <see cref="TreeNode.GetTree"/> sees them (<c>?stream=NAME</c> picks one); <c>/tree</c> is a page
/// that draws it (nodes by depth, fan-out, per-hop latency), refreshed every second.
/// </summary>
public static class TreePages
{
    private static readonly EmbeddedPage Page = new("Casto.Relay.Tree.tree.html");

    /// <summary>Adds <c>/tree</c> and <c>/tree.json</c> for <paramref name="node"/> to <paramref name="options"/>.</summary>
    public static WhipServerOptions AddTreePages(this WhipServerOptions options, TreeNode node)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(node);
        options.Pages["tree.json"] = context => WriteJsonAsync(context, node);
        options.Pages["tree"] = context =>
        {
            if (context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return WriteJsonAsync(context, node);
            }

            return Page.WriteAsync(context.Response);
        };
        return options;
    }

    private static async Task WriteJsonAsync(HttpContext context, TreeNode node)
    {
        string? only = context.Request.Query["stream"];
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var json = new Utf8JsonWriter(context.Response.Body);
        await using (json.ConfigureAwait(false))
        {
            Write(json, node, only);
            await json.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>{"peerId":…,"streams":[{"stream":…,"size":N,"maxDepth":D,"nodes":[{"peerId","parent","depth","children",
    /// "capacity","latencyMs","hopLatencyMs","rttMs"}…]}]}</c>; hop latency is a node's latency minus its parent's, rttMs
    /// the round trip of its link to its parent (heartbeat echoes).
    /// </summary>
    public static void Write(Utf8JsonWriter json, TreeNode node, string? stream = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(node);
        json.WriteStartObject();
        json.WriteString("peerId", node.PeerId.ToString());
        json.WriteStartArray("streams");
        foreach (string name in node.Streams)
        {
            if ((stream is null || stream == name) && node.GetTree(name) is { } tree)
            {
                WriteTree(json, tree);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTree(Utf8JsonWriter json, TreeSnapshot tree)
    {
        var latency = tree.Nodes.GroupBy(n => n.PeerId).ToDictionary(g => g.Key, g => g.First().LatencyMs);
        json.WriteStartObject();
        json.WriteString("stream", tree.Stream);
        json.WriteNumber("size", tree.Size);
        json.WriteNumber("maxDepth", tree.Nodes.Count == 0 ? 0 : tree.Nodes.Max(n => n.Depth));
        json.WriteStartArray("nodes");
        foreach (var n in tree.Nodes)
        {
            json.WriteStartObject();
            json.WriteString("peerId", n.PeerId.ToString());
            if (n.Parent is { } parent)
            {
                json.WriteString("parent", parent.ToString());
            }
            else
            {
                json.WriteNull("parent");
            }

            json.WriteNumber("depth", n.Depth);
            json.WriteNumber("children", n.Children);
            json.WriteNumber("capacity", n.Capacity);
            WriteNumberOrNull(json, "latencyMs", n.LatencyMs);
            double? parentLatency = n.Parent is { } p ? latency.GetValueOrDefault(p) : null;
            WriteNumberOrNull(json, "hopLatencyMs", n.LatencyMs - parentLatency);
            WriteNumberOrNull(json, "rttMs", n.RttMs);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 2));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
