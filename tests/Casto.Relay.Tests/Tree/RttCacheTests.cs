using Casto.Relay.Tree;
using Casto.Stack.Identity;
using Casto.Testing;

namespace Casto.Relay.Tests.Tree;

public sealed class RttCacheTests
{
    [Fact]
    public void StaysBoundedDroppingTheOldestSample()
    {
        var clock = new ManualTimeProvider();
        var cache = new RttCache(capacity: 4, TimeSpan.FromMinutes(1), clock);
        PeerId[] peers = [.. Enumerable.Range(0, 10).Select(_ => PeerIdOf())];
        foreach (PeerId p in peers)
        {
            cache.Record(p, TimeSpan.FromMilliseconds(10));
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(cache.Count <= 4);
        }

        Assert.Equal(4, cache.Count);
        Assert.Equal(peers[6..], cache.Of(peers).Keys.OrderBy(p => Array.IndexOf(peers, p)));
    }

    [Fact]
    public void ForgetsASampleAfterItsLifetime()
    {
        var clock = new ManualTimeProvider();
        var cache = new RttCache(capacity: 4, TimeSpan.FromSeconds(60), clock);
        PeerId peer = PeerIdOf();
        cache.Record(peer, TimeSpan.FromMilliseconds(7));
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet(peer, out TimeSpan rtt));
        Assert.Equal(TimeSpan.FromMilliseconds(7), rtt);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cache.TryGet(peer, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void AHandshakeEstimateFillsAGapButNeverReplacesAMeasurement()
    {
        var clock = new ManualTimeProvider();
        var cache = new RttCache(capacity: 4, TimeSpan.FromSeconds(60), clock);
        PeerId measured = PeerIdOf();
        PeerId estimated = PeerIdOf();
        cache.Record(measured, TimeSpan.FromMilliseconds(3));
        cache.RecordHandshake(measured, TimeSpan.FromMilliseconds(400));
        cache.RecordHandshake(estimated, TimeSpan.FromMilliseconds(400));
        Assert.True(cache.TryGet(measured, out TimeSpan m));
        Assert.Equal(TimeSpan.FromMilliseconds(3), m);
        Assert.True(cache.TryGet(estimated, out TimeSpan e));
        Assert.Equal(TimeSpan.FromMilliseconds(400) / RttCache.HandshakeRoundTrips, e);
        cache.Record(estimated, TimeSpan.FromMilliseconds(20)); // a measurement replaces an estimate
        Assert.True(cache.TryGet(estimated, out e));
        Assert.Equal(TimeSpan.FromMilliseconds(20), e);
    }

    private static PeerId PeerIdOf()
    {
        using var key = PrivateKey.Generate();
        return key.PeerId;
    }
}
