// The tree simulation (bench/tree-sim/run.sh): the real tree control for N nodes over the in-memory transport and a
// virtual clock, media left out. Prints progress on stderr and one JSON line per phase on stdout.
using System.Text.Json;
using Casto.TreeSim;

int Arg(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
double ArgD(string name, double fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

// As many pool threads as cores, no more: the work is all asynchronous, and extra threads only spin and contend for locks.
int threads = int.TryParse(Environment.GetEnvironmentVariable("SIM_THREADS"), out int t) ? t : Environment.ProcessorCount;
ThreadPool.SetMinThreads(threads, threads);
int nodes = Arg("--nodes", 1000);
var settings = new SimSettings(
    nodes, Arg("--fan-out", 2), TimeSpan.FromSeconds(ArgD("--join-seconds", nodes / 100.0)), ArgD("--crash", 0.3),
    TimeSpan.FromSeconds(ArgD("--crash-seconds", 60)), TimeSpan.FromSeconds(ArgD("--settle-seconds", 30)), Arg("--seeds", 8), Arg("--seed", 1), ArgD("--latency-ms", 20), args.Contains("--trace"), Arg("--probe", 3), ArgD("--latency-spread-ms", 0))
{
    QuiesceLimit = TimeSpan.FromMilliseconds(ArgD("--quiesce-ms", 2000)),
    Rebalance = TimeSpan.FromSeconds(ArgD("--rebalance-seconds", 30)),
};
await using var sim = new TreeSimulation(settings, Console.Error);
var (formed, after, rebalanced) = await sim.RunAsync();
foreach (var phase in new[] { formed, after, rebalanced })
{
    Console.Error.WriteLine(TreeSimulation.Summary(phase));
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        phase = phase.Name, latencyMs = settings.LatencyMs, nodes = phase.Nodes, receiving = phase.Receiving, fanOut = settings.FanOut, rootChildren = phase.RootChildren,
        depths = phase.Depths, joinMs = phase.JoinMs.Order().ToArray(), recoveryMs = phase.RecoveryMs.Order().ToArray(), realSeconds = phase.RealSeconds,
        parentRttMs = phase.ParentRttMs.Order().ToArray(), overloadedSteps = phase.OverloadedSteps, steps = phase.Steps,
    }));
}
