using Casto.Discovery.Kad;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Kad;

/// <summary>A full bucket checks its oldest entry (FIND_NODE) before a newcomer may take its place.</summary>
public sealed class KadLivenessTests
{
    private static async Task<(Casto.Stack.Hosting.CastoHost Host, KadDht Dht)> NodeInBucketZeroOf(KadTestNetwork network, PeerId of)
    {
        var self = KadId.FromKey(of.Bytes);
        while (true)
        {
            var node = await network.AddAsync();
            if (self.CommonPrefixLength(KadId.FromKey(node.Host.PeerId.Bytes)) == 0)
            {
                return node;
            }
        }
    }

    private static Multiaddr[] AddressOf(Casto.Stack.Hosting.CastoHost host) => [host.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p)];

    [Fact]
    public async Task A_dead_oldest_entry_is_replaced_and_a_live_one_stays()
    {
        await using var network = new KadTestNetwork();
        var (_, dht) = await network.AddAsync(o => { o.K = 1; o.RequestTimeout = TimeSpan.FromSeconds(2); });
        var live = await NodeInBucketZeroOf(network, dht.PeerId);
        var newcomer = await NodeInBucketZeroOf(network, dht.PeerId);

        // a dead peer first: nothing listens on its address
        var dead = PrivateKey.Generate().PeerId;
        while (dht.Table.SelfId.CommonPrefixLength(KadId.FromKey(dead.Bytes)) != 0)
        {
            dead = PrivateKey.Generate().PeerId;
        }

        Assert.True(dht.AddPeer(dead, [Multiaddr.Parse("/memory/999999")]));
        Assert.False(dht.AddPeer(live.Host.PeerId, AddressOf(live.Host))); // bucket full: pending, the dead one is checked
        await WaitUntilAsync(() => dht.Table.Contains(live.Host.PeerId));
        Assert.False(dht.Table.Contains(dead));

        Assert.False(dht.AddPeer(newcomer.Host.PeerId, AddressOf(newcomer.Host))); // now the oldest is alive
        await Task.Delay(1000);
        Assert.True(dht.Table.Contains(live.Host.PeerId));
        Assert.False(dht.Table.Contains(newcomer.Host.PeerId));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
