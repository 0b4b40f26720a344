using System.Collections.Concurrent;
using Casto.WebRtc.Ice;

namespace Casto.WebRtc.Tests.Ice;

/// <summary>RFC 7675 consent freshness on a fake clock (real loopback sockets).</summary>
public sealed class IceConsentTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    private static IceOptions Options(ManualTimeProvider clock, bool lite = false) => new()
    {
        TimeProvider = clock,
        Lite = lite,
        CheckInterval = Step,
        ConsentInterval = TimeSpan.FromSeconds(1),
        ConsentDisconnectedTimeout = TimeSpan.FromSeconds(3),
        ConsentTimeout = TimeSpan.FromSeconds(6),
        ConnectTimeout = TimeSpan.FromSeconds(60),
    };

    [Fact]
    public async Task ConsentKeepsAliveThenDetectsVanishedPeerWithinTheWindow()
    {
        var clock = new ManualTimeProvider();
        await using var peers = IceTestPeers.Create(IceRole.Controlling, Options(clock), IceRole.Controlled, Options(clock));
        var states = new ConcurrentQueue<IceConnectionState>();
        peers.A.StateChanged += (_, s) => states.Enqueue(s);
        peers.Start();
        Assert.True(await IceTestPeers.UntilAsync(clock, () => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, TimeSpan.FromSeconds(30), Step));

        // Consent checks answered: still Completed well past the 6 s window.
        Assert.True(await IceTestPeers.UntilAsync(clock, () => peers.A.State != IceConnectionState.Completed, TimeSpan.FromSeconds(10), Step) is false);

        await peers.B.DisposeAsync(); // the peer vanishes: nobody answers consent checks any more
        var vanishedAt = clock.Now;
        Assert.True(await IceTestPeers.UntilAsync(clock, () => peers.A.State == IceConnectionState.Failed, TimeSpan.FromSeconds(20), Step));
        var elapsed = clock.Now - vanishedAt;

        // The last response came at most one randomized interval (≤ 1.2 s) before the peer vanished.
        Assert.InRange(elapsed, TimeSpan.FromSeconds(6 - 1.2) - Step, TimeSpan.FromSeconds(6) + Step);
        var seq = states.ToArray();
        Assert.Equal(IceConnectionState.Failed, seq[^1]);
        Assert.Equal(IceConnectionState.Disconnected, seq[^2]);
    }

    [Fact]
    public async Task LiteAgentDetectsFullPeerThatStopsChecking()
    {
        var clock = new ManualTimeProvider();
        await using var peers = IceTestPeers.Create(IceRole.Controlling, Options(clock), IceRole.Controlled, Options(clock, lite: true));
        peers.Start();
        Assert.True(await IceTestPeers.UntilAsync(clock, () => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, TimeSpan.FromSeconds(30), Step));
        Assert.True(await IceTestPeers.UntilAsync(clock, () => peers.B.State != IceConnectionState.Completed, TimeSpan.FromSeconds(10), Step) is false);

        await peers.A.DisposeAsync();
        Assert.True(await IceTestPeers.UntilAsync(clock, () => peers.B.State == IceConnectionState.Disconnected, TimeSpan.FromSeconds(5), Step));
        Assert.True(await IceTestPeers.UntilAsync(clock, () => peers.B.State == IceConnectionState.Failed, TimeSpan.FromSeconds(5), Step));
    }
}
