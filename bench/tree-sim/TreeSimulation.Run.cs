using System.Diagnostics;
using System.Text.Json;

namespace Casto.TreeSim;

/// <summary>The scenario: joins spread over a while, then a share of the relays crash, then the tree settles.</summary>
internal sealed partial class TreeSimulation
{
    public sealed record Phase(string Name, int Nodes, int Receiving, double[] JoinMs, Dictionary<int, int> Depths, int RootChildren, double[] RecoveryMs, double RealSeconds, double[] ParentRttMs, long OverloadedSteps = 0, long Steps = 0);

    /// <summary>
    /// The tree once every node receives (formed), once every survivor of the crashes receives again (after crashes: the
    /// recoveries), and <see cref="SimSettings.Rebalance"/> later (rebalanced: the depth the tree settles at).
    /// </summary>
    public async Task<(Phase Formed, Phase AfterCrashes, Phase Rebalanced)> RunAsync()
    {
        var wall = Stopwatch.StartNew();
        await StartRootAsync().ConfigureAwait(false);
        int steps = Math.Max(1, (int)(settings.JoinSpread / Step));
        int joined = 1;
        for (int s = 0; s < steps || joined < settings.Nodes; s++)
        {
            int due = (int)Math.Min(settings.Nodes, 1 + ((long)(settings.Nodes - 1) * (s + 1) / steps));
            while (joined < due)
            {
                await JoinAsync().ConfigureAwait(false);
                joined++;
            }

            Advance(Step, NoteJoins);
            if (s % 500 == 0)
            {
                log.WriteLine($"[sim] t={Now.TotalSeconds:F1}s nodes={joined} receiving={_nodes.Count(n => n.JoinedAfter is not null)} real={wall.Elapsed.TotalSeconds:F0}s overloaded={OverloadedSteps}/{Steps}");
            }
        }

        AdvanceUntil(settings.Settle, () => _nodes.All(n => n.JoinedAfter is not null));
        var formed = Snapshot("formed", wall.Elapsed.TotalSeconds, []);
        log.WriteLine(Summary(formed));
        if (Environment.GetEnvironmentVariable("SIM_DEBUG") is not null)
        {
            foreach (var n in _nodes)
            {
                var st = n.Tree.GetStatus(Stream);
                log.WriteLine($"[debug] {n.PeerId.ToString()[^6..]} depth {st?.Depth} children {st?.Children} changes {st?.ParentChanges} parent {st?.Parent?.ToString()[^6..]}");
            }
        }

        // Crashes: a share of the relays (nodes with children), each at a random moment within the spread.
        var relays = _nodes.Skip(1).Where(n => n.Tree.GetStatus(Stream)?.Children > 0).OrderBy(_ => _random.Next()).ToList();
        var doomed = relays.Take((int)Math.Round(relays.Count * settings.CrashFraction)).ToList();
        var at = doomed.Select(_ => TimeSpan.FromTicks((long)(_random.NextDouble() * settings.CrashSpread.Ticks))).Order().ToList();
        var before = _nodes.ToDictionary(n => n, n => n.Tree.GetStatus(Stream)?.Recoveries.Count ?? 0);
        TimeSpan crashStart = Now;
        int next = 0;
        var kills = new List<Task>();
        while (Now - crashStart < settings.CrashSpread)
        {
            while (next < doomed.Count && Now - crashStart >= at[next])
            {
                kills.Add(doomed[next++].KillAsync());
            }

            Advance(Step);
            if ((int)((Now - crashStart) / Step) % 500 == 0)
            {
                log.WriteLine($"[sim] crashes t={(Now - crashStart).TotalSeconds:F1}s killed={next}/{doomed.Count} receiving={_nodes.Count(n => !n.Killed && n.Media.HasSource(Stream))} real={wall.Elapsed.TotalSeconds:F0}s");
            }
        }

        await Task.WhenAll(kills).ConfigureAwait(false);
        AdvanceUntil(settings.Settle, () => _nodes.Where(n => !n.Killed).All(n => n.Media.HasSource(Stream)));
        var recoveries = _nodes.Where(n => !n.Killed)
            .SelectMany(n => (n.Tree.GetStatus(Stream)?.Recoveries ?? []).Skip(before[n]))
            .Select(r => r.TotalMilliseconds).ToArray();
        var after = Snapshot("after crashes", wall.Elapsed.TotalSeconds, recoveries);
        log.WriteLine(Summary(after));
        for (TimeSpan t = TimeSpan.Zero; t < settings.Rebalance; t += TimeSpan.FromSeconds(5))
        {
            Advance(TimeSpan.FromSeconds(5));
            log.WriteLine($"[sim] rebalancing t={(t + TimeSpan.FromSeconds(5)).TotalSeconds:F0}s depth max {Deepest()} real={wall.Elapsed.TotalSeconds:F0}s");
        }

        return (formed, after, Snapshot("rebalanced", wall.Elapsed.TotalSeconds, []));
    }

    private void AdvanceUntil(TimeSpan most, Func<bool> done)
    {
        for (TimeSpan t = TimeSpan.Zero; t < most && !done(); t += Step)
        {
            Advance(Step, NoteJoins);
        }

        Advance(TimeSpan.FromSeconds(1)); // heartbeats settle the depths
    }

    private int Deepest() => _nodes.Where(n => !n.Killed).Max(n => n.Tree.GetStatus(Stream)?.Depth ?? -1);

    private Phase Snapshot(string name, double realSeconds, double[] recoveries)
    {
        var live = _nodes.Where(n => !n.Killed).ToList();
        var depths = live.Select(n => n.Tree.GetStatus(Stream)?.Depth ?? -1).GroupBy(d => d).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
        return new Phase(name, live.Count, live.Count(n => n.Media.HasSource(Stream)),
            [.. live.Skip(1).Where(n => n.JoinedAfter is not null).Select(n => n.JoinedAfter!.Value.TotalMilliseconds)],
            depths, live[0].Tree.GetStatus(Stream)?.Children ?? 0, recoveries, Math.Round(realSeconds, 1),
            [.. live.Skip(1).Select(n => n.Tree.GetStatus(Stream)?.ParentRttMs).OfType<double>()], OverloadedSteps, Steps);
    }

    public static string Summary(Phase p)
    {
        static string Pct(double[] v, double q) => v.Length == 0 ? "-" : $"{v.Order().ElementAt(Math.Min(v.Length - 1, (int)(q * v.Length))):F0}";
        return $"{p.Name}: {p.Receiving}/{p.Nodes} receiving, root children {p.RootChildren}, depths {JsonSerializer.Serialize(p.Depths)}, "
            + $"join ms p50 {Pct(p.JoinMs, 0.5)} p99 {Pct(p.JoinMs, 0.99)} max {Pct(p.JoinMs, 1)}, "
            + $"recoveries {p.RecoveryMs.Length} ms p50 {Pct(p.RecoveryMs, 0.5)} p99 {Pct(p.RecoveryMs, 0.99)} max {Pct(p.RecoveryMs, 1)}, "
            + $"parent rtt ms mean {(p.ParentRttMs.Length == 0 ? "-" : $"{p.ParentRttMs.Average():F1}")} p50 {Pct(p.ParentRttMs, 0.5)}, real {p.RealSeconds} s, "
            + $"overloaded steps {p.OverloadedSteps}/{p.Steps}";
    }
}
