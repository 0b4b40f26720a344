using Microsoft.AspNetCore.Http;

namespace Casto.Relay.Http;

/// <summary>Settings of the WHIP/WHEP endpoint.</summary>
public sealed class WhipServerOptions
{
    /// <summary>Bearer token WHIP publishers must send (RFC 9725 §4.5); null (default) lets anyone publish. WHEP and /watch are open.</summary>
    public string? WhipToken { get; set; }

    /// <summary>Largest SDP offer accepted; larger ones get 413. Default 64 KiB.</summary>
    public int MaxSdpBytes { get; set; } = 64 * 1024;

    /// <summary>Concurrent HTTP connections at most. Default 1024.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Seconds a client is told to wait (Retry-After) when the node is over capacity. Default 5.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>Appends more metrics to <c>/metrics</c> after the forwarding node's (e.g. the tree's; see <see cref="PrometheusText"/>). Default none.</summary>
    public Action<System.Text.StringBuilder>? ExtraMetrics { get; set; }

    /// <summary>
    /// More GET pages, by their one-segment path (e.g. <c>"tree"</c> for <c>/tree</c>, see <see cref="Tree.TreePages"/>).
    /// Default none; the built-in paths (whip, whep, watch, metrics, healthz) cannot be replaced.
    /// </summary>
    public IDictionary<string, RequestDelegate> Pages { get; } = new Dictionary<string, RequestDelegate>(StringComparer.Ordinal);

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (WhipToken is { Length: 0 })
        {
            throw new ArgumentException("An empty token would match nothing; use null for none.", nameof(WhipToken));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSdpBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxSdpBytes, 1024 * 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(RetryAfterSeconds);
    }
}
