using System.CommandLine;
using System.Text.Json.Nodes;
using Casto.Relay.Tree;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto watch STREAM [--signal MULTIADDR…] [--bootstrap MULTIADDR…] [--join MULTIADDR…] [--max-children N] [--http HOST:PORT] [--seconds S]</c>:
/// joins STREAM's tree (relaying to up to --max-children others, 2 by default) and plays it. Prints every second
/// <c>{"frames":…,"keyframes":…,"depth":…,"parent":…,"fps":…,"latencyMs":…,"framesLost":…,"parentChanges":…}</c>
/// (latency from the broadcaster: needs synchronised clocks; null until known).
/// </summary>
internal static class WatchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var stream = new Argument<string>("STREAM") { Description = "The stream name." };
        var seconds = new Option<double>("--seconds") { Description = "Stop after this long (0: until interrupted).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "JSON lines (the only output format for now)." };
        var firstFrame = new Option<bool>("--first-frame") { Description = "Print {\"firstFrameMs\":…,\"depth\":…} at the first whole frame, then exit (start-up measurements)." };
        var command = new Command("watch", "Join a stream's tree and watch it (relaying to others as well).") { stream, seconds, json, firstFrame };
        var tree = TreeCli.AddOptions(command, defaultChildren: 2);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                using var limit = CliRun.Limit(result.GetValue(seconds), cancellationToken);

                string name = result.GetValue(stream)!;
                await using var cli = await TreeCli.StartAsync(result, tree, limit.Token).ConfigureAwait(false);
                var membership = cli.Peer.Tree.Join(name, TreeCli.Seeds(result, tree));
                await cli.AnnounceAsync(name, membership.AddCandidates, limit.Token).ConfigureAwait(false);
                await using var player = new TreePlayer(cli.Peer.Forwarding, name);
                if (result.GetValue(firstFrame))
                {
                    while (player.FirstFrameAfter is null)
                    {
                        await Task.Delay(2, limit.Token).ConfigureAwait(false);
                    }

                    // From the process's start: what a user waits for (runtime start-up, key, host, join, media).
                    double sinceStart = (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds;
                    await CliRun.WriteJsonLineAsync(stdout, new JsonObject
                    {
                        ["firstFrameMs"] = Math.Round(sinceStart, 1),
                        ["afterJoinMs"] = Math.Round(player.FirstFrameAfter.Value.TotalMilliseconds, 1),
                        ["depth"] = cli.Peer.Tree.GetStatus(name)?.Depth ?? -1,
                    }, limit.Token).ConfigureAwait(false);
                    return CastoCli.Ok;
                }

                await ReportAsync(stdout, cli, player, name, limit.Token).ConfigureAwait(false);
                await cli.LeaveGracefullyAsync().ConfigureAwait(false);
                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException or ArgumentException or Casto.Discovery.Signal.SignalException)
            {
                await stderr.WriteLineAsync($"casto watch: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }

    private static async Task ReportAsync(TextWriter stdout, TreeCli cli, TreePlayer player, string stream, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long lastFrames = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var status = cli.Peer.Tree.GetStatus(stream);
                long frames = player.Frames;
                await CliRun.WriteJsonLineAsync(stdout, new JsonObject
                {
                    ["frames"] = frames,
                    ["keyframes"] = player.Keyframes,
                    ["depth"] = status?.Depth ?? -1,
                    ["parent"] = status?.Parent?.ToString(),
                    ["fps"] = frames - lastFrames,
                    ["latencyMs"] = status?.LatencyMs,
                    ["framesLost"] = player.PacketsLost,
                    ["parentChanges"] = status?.ParentChanges ?? 0,
                }, cancellationToken).ConfigureAwait(false);
                lastFrames = frames;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
