using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Casto.Sdk;

/// <summary>
/// The <c>casto</c> health check of <c>AddCasto</c>: healthy while the <see cref="CastoViewer"/> receives frames,
/// degraded while it looks for the stream (or frames stopped for a moment), unhealthy when it gave up.
/// </summary>
public sealed class CastoHealthCheck(CastoViewer viewer) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var media = viewer.Media;
        HealthCheckResult result = viewer.State switch
        {
            CastoViewerState.Failed => HealthCheckResult.Unhealthy($"Casto viewer failed: {viewer.LastError?.Message}", viewer.LastError),
            CastoViewerState.Watching when media is not null => Watching(media.Stats),
            CastoViewerState.Stopped => HealthCheckResult.Unhealthy("Casto viewer is not running."),
            _ => HealthCheckResult.Degraded(viewer.LastError is { } e ? $"Looking for the stream: {e.Message}" : "Looking for the stream."),
        };
        return Task.FromResult(result);
    }

    private static HealthCheckResult Watching(CastoStats s)
    {
        var data = new Dictionary<string, object>
        {
            ["stream"] = s.Stream, ["depth"] = s.Depth, ["fps"] = s.Fps, ["frames"] = s.Frames, ["children"] = s.Children, ["parent"] = s.Parent ?? "",
        };
        return s.Fps > 0
            ? HealthCheckResult.Healthy($"Watching '{s.Stream}' at depth {s.Depth}, {s.Fps} fps.", data)
            : HealthCheckResult.Degraded($"Watching '{s.Stream}' but no frame in the last second.", data: data);
    }
}
