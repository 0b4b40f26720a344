using Casto.Discovery.Kad;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Kad;

/// <summary>Provider and record lifetimes on a manual clock.</summary>
public sealed class KadExpiryTests
{
    [Fact]
    public void Provider_records_expire_after_the_validity_and_stores_are_bounded()
    {
        var clock = new ManualTimeProvider();
        var options = new KadDhtOptions { TimeProvider = clock, MaxProviderKeys = 2, MaxProvidersPerKey = 2 };
        var store = new ProviderStore(options);
        var a = PrivateKey.Generate().PeerId;
        var addrs = new[] { Multiaddr.Parse("/memory/1") };
        Assert.True(store.Add([1], a, addrs));
        Assert.True(store.Add([1], PrivateKey.Generate().PeerId, addrs));
        Assert.False(store.Add([1], PrivateKey.Generate().PeerId, addrs)); // per-key limit
        Assert.True(store.Add([2], a, addrs));
        Assert.False(store.Add([3], a, addrs)); // key limit
        Assert.Equal(2, store.Dropped);

        clock.Advance(TimeSpan.FromHours(47));
        Assert.Equal(2, store.Get([1]).Count);
        Assert.True(store.Add([1], a, addrs)); // renewed at 47 h
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal([a], store.Get([1]).Select(p => p.PeerId));
        store.Prune();
        Assert.Equal(1, store.KeyCount);
        Assert.True(store.Add([3], a, addrs)); // room again

        var records = new RecordStore(options);
        records.Put([9], [1, 2]);
        clock.Advance(TimeSpan.FromHours(47));
        Assert.NotNull(records.Get([9]));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(records.Get([9]));
    }

    [Fact]
    public async Task Our_provider_records_are_republished_before_they_expire_elsewhere()
    {
        var clock = new ManualTimeProvider();
        await using var network = new KadTestNetwork();
        void Configure(KadDhtOptions o)
        {
            o.TimeProvider = clock;
            o.RequestTimeout = TimeSpan.FromDays(10); // the manual clock only moves when told
            o.LookupTimeout = TimeSpan.FromDays(10);
            o.RefreshInterval = TimeSpan.FromDays(5); // keep the maintenance loop quiet; this test calls it
        }

        await network.StartAsync(4, Configure);
        var (_, provider) = network.Nodes[1];
        var (_, stopped) = network.Nodes[2];
        var (_, holder) = network.Nodes[3];
        var kept = KadKeys.ForStream("republished");
        var dropped = KadKeys.ForStream("not republished");
        await provider.ProvideAsync(kept);
        await stopped.ProvideAsync(dropped);
        await stopped.DisposeAsync(); // its DHT stops: no more republishing (its host still answers nothing for kad)

        clock.Advance(TimeSpan.FromHours(23)); // past the 22 h republish interval
        await provider.MaintainAsync(default);
        clock.Advance(TimeSpan.FromHours(26)); // 49 h after the first provide

        Assert.Contains(await holder.FindProvidersAsync(kept).ToListAsync(), p => p.PeerId == provider.PeerId);
        Assert.DoesNotContain(await holder.FindProvidersAsync(dropped).ToListAsync(), p => p.PeerId == stopped.PeerId);
    }
}
