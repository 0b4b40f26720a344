using System.Text.Json.Nodes;

namespace Casto.Cli.Commands;

/// <summary>What the long-running commands share: one JSON line out, then run until SIGINT/SIGTERM.</summary>
internal static class CliRun
{
    /// <summary>Writes <paramref name="value"/> as one JSON line and flushes (scripts wait for it).</summary>
    public static async Task WriteJsonLineAsync(TextWriter stdout, JsonNode value, CancellationToken cancellationToken)
    {
        await stdout.WriteLineAsync(value.ToJsonString()).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A JSON array of strings (JSON nodes need no reflection: the tool publishes with NativeAOT).</summary>
    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);

    /// <summary>A token that fires on SIGINT/SIGTERM or after <paramref name="seconds"/> (0: never by itself).</summary>
    public static CancellationTokenSource Limit(double seconds, CancellationToken cancellationToken)
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (seconds > 0)
        {
            limit.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        return limit;
    }

    /// <summary>Completes when <paramref name="cancellationToken"/> fires (System.CommandLine cancels it on SIGINT/SIGTERM).</summary>
    public static async Task UntilStoppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the caller disposes what it runs and exits 0.
        }
    }
}
