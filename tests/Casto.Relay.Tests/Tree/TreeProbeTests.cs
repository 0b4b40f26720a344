using System.Collections.Concurrent;
using Casto.Relay.Tree;
using Xunit.Abstractions;

namespace Casto.Relay.Tests.Tree;

/// <summary>
/// Round trips in the parent choice over real loopback sockets: two relays at depth 1 with room, one of them behind
/// 30 ms each way (<see cref="LaggedTransport"/>). The far one is offered first, so the order learnt alone picks it.
/// </summary>
[Collection(TreeHarness.Collection)]
public sealed class TreeProbeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Lag = TimeSpan.FromMilliseconds(30);

    [Fact]
    public async Task AJoinerProbesEqualCandidatesAndTakesTheNearerOne()
    {
        await using var tree = new TreeHarness { Log = new ConcurrentQueue<string>() };
        try
        {
            var (far, near) = await StartTwoRelaysAsync(tree);

            // A generous bound: the far one's probe goes on after the choice until it is measured too.
            var options = TreeHarness.Fast();
            options.ProbeTimeout = TimeSpan.FromSeconds(3);
            var joiner = await tree.JoinThroughAsync(options, [far.Tree.AsCandidate(TreeHarness.Stream), near.Tree.AsCandidate(TreeHarness.Stream)]);
            await TreeHarness.WaitUntilAsync(() => joiner.Status.Parent is not null, what: "the joiner has a parent");

            Assert.Equal(near.PeerId, joiner.Status.Parent);
            Assert.Equal(2, joiner.Status.Depth);
            RttCache rtts = joiner.Tree.Rtts;
            await TreeHarness.WaitUntilAsync(() => rtts.TryGet(far.PeerId, out _), TimeSpan.FromSeconds(10), "the far relay's round trip is measured");
            Assert.True(rtts.TryGet(far.PeerId, out TimeSpan toFar), "the far relay's round trip was measured");
            Assert.True(rtts.TryGet(near.PeerId, out TimeSpan toNear), "the near relay's round trip was measured");
            output.WriteLine($"round trips: near {toNear.TotalMilliseconds} ms, far {toFar.TotalMilliseconds} ms");
            output.WriteLine(tree.Log!.First(l => l.Contains("probed", StringComparison.Ordinal)));
            // A dial's handshake over the lag takes at least 3 lagged round trips (multistream-select twice, Noise), 180 ms: ≥ 45 ms as an estimate.
            Assert.True(toFar >= TimeSpan.FromMilliseconds(40), $"far: {toFar.TotalMilliseconds} ms (60 ms added per round trip)");
            Assert.True(toNear < toFar, $"near {toNear.TotalMilliseconds} ms, far {toFar.TotalMilliseconds} ms");
            Assert.Contains(tree.Log!, l => l.Contains("probed 2 candidate(s) at depth 1; nearest " + near.PeerId, StringComparison.Ordinal));

            // The probe's connection to the far relay was ours only for the probe: it is closed.
            await TreeHarness.WaitUntilAsync(() => joiner.Host.FindConnection(far.PeerId) is null, TimeSpan.FromSeconds(10), "the probe connection to the far relay is closed");
            Assert.Equal(0, far.Status.Children);
            Assert.Equal(1, near.Status.Children);
        }
        catch
        {
            output.WriteLine(string.Join('\n', tree.Log!));
            throw;
        }
    }

    [Fact]
    public async Task WithoutProbingTheSameJoinerTakesTheFirstOfferedFarOne()
    {
        // The control: what the test above would see if round trips were ignored.
        await using var tree = new TreeHarness { Log = new ConcurrentQueue<string>() };
        try
        {
            var (far, near) = await StartTwoRelaysAsync(tree);
            var options = TreeHarness.Fast();
            options.ProbeCandidates = 1;
            var joiner = await tree.JoinThroughAsync(options, [far.Tree.AsCandidate(TreeHarness.Stream), near.Tree.AsCandidate(TreeHarness.Stream)]);
            await TreeHarness.WaitUntilAsync(() => joiner.Status.Parent is not null, what: "the joiner has a parent");
            Assert.Equal(far.PeerId, joiner.Status.Parent);
            Assert.DoesNotContain(tree.Log!, l => l.Contains("probed", StringComparison.Ordinal));
        }
        catch
        {
            output.WriteLine(string.Join('\n', tree.Log!));
            throw;
        }
    }

    /// <summary>A root with two children, the first behind <see cref="Lag"/> each way; both at depth 1 with room for 2.</summary>
    private static async Task<(TreeHarness.Node Far, TreeHarness.Node Near)> StartTwoRelaysAsync(TreeHarness tree)
    {
        var root = await tree.StartRootAsync(maxChildren: 2);
        var seed = root.Tree.AsCandidate(TreeHarness.Stream);
        var far = await tree.JoinThroughAsync(TreeHarness.Fast(), [seed], Lag);
        var near = await tree.JoinThroughAsync(TreeHarness.Fast(), [seed]);
        await TreeHarness.WaitUntilAsync(() => far.Status.Parent is not null && near.Status.Parent is not null, what: "both relays have a parent");
        Assert.Equal(1, far.Status.Depth);
        Assert.Equal(1, near.Status.Depth);
        return (far, near);
    }
}
