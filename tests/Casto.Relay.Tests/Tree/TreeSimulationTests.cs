using Casto.TreeSim;
using Xunit.Abstractions;

namespace Casto.Relay.Tests.Tree;

/// <summary>
/// The real tree control on 150 nodes over the memory transport (10 ms one-way delay) with a virtual clock, media left
/// out (bench/tree-sim runs 10,000): every node receives, the tree stays within a level of the ideal depth, after
/// 30 % of the relays crash every survivor receives again, and rebalancing brings the tree back within the bound.
/// </summary>
[Collection(Name)]
public sealed class TreeSimulationTests(ITestOutputHelper output)
{
    /// <summary>Alone: the virtual clock moves when the thread pool is idle, which other tests running beside it would prevent.</summary>
    public const string Name = "tree-sim";

    [Fact]
    public async Task HundredFiftyNodesFormABalancedTreeAndSurviveThirtyPercentOfTheRelaysCrashing()
    {
        const int N = 150;
        var settings = new SimSettings(N, FanOut: 2, JoinSpread: TimeSpan.FromSeconds(3), CrashFraction: 0.3, CrashSpread: TimeSpan.FromSeconds(10),
            Settle: TimeSpan.FromSeconds(30), LatencyMs: 10)
        {
            Rebalance = TimeSpan.FromSeconds(20),
        };
        var log = new StringWriter();
        await using var sim = new TreeSimulation(settings, log);
        var (formed, after, rebalanced) = await sim.RunAsync();
        output.WriteLine(TreeSimulation.Summary(formed));
        output.WriteLine(TreeSimulation.Summary(after));
        output.WriteLine(TreeSimulation.Summary(rebalanced));

        Assert.Equal(N, formed.Receiving);
        Assert.Equal(2, formed.RootChildren);
        int ideal = (int)Math.Ceiling(Math.Log2(N)); // ⌈log_f N⌉ for fan-out 2
        Assert.True(formed.Depths.Keys.Max() <= ideal + 2, $"formed depth {formed.Depths.Keys.Max()} (ideal {ideal})"); // joins arrive 50/s: one level of slack more than the bound
        Assert.True(after.Nodes < N && after.Nodes >= N - (N / 3), $"{after.Nodes} survivors");
        Assert.Equal(after.Nodes, after.Receiving); // every survivor receives again
        Assert.NotEmpty(after.RecoveryMs);
        Assert.Equal(rebalanced.Nodes, rebalanced.Receiving);
        int bound = (int)Math.Ceiling(Math.Log2(rebalanced.Nodes)) + 1; // the issue's ⌈log_f N⌉ + 1
        Assert.True(rebalanced.Depths.Keys.Max() <= bound, $"depth {rebalanced.Depths.Keys.Max()} 20 s after the crashes (bound {bound})");
    }
}

/// <summary>Runs the simulation with no other test class beside it.</summary>
[CollectionDefinition(TreeSimulationTests.Name, DisableParallelization = true)]
public sealed class TreeSimulationCollection;
