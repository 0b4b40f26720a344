using Casto.Discovery.Kad;
using Casto.Sdk;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Sdk.Tests;

/// <summary>
/// Bootstrap peers turn the Kademlia DHT on: a publisher and a viewer that know only a DHT node (which carries no
/// stream) find each other through the stream's provider record, with no signal server and no mDNS.
/// </summary>
public sealed class DhtTests
{
    [Fact]
    public async Task AViewerFindsThePublisherThroughProviderRecordsOnly()
    {
        using var cts = Loopback.Timeout(45);
        using var key = PrivateKey.Generate();
        var hostOptions = HostDefaults.Create(key);
        hostOptions.ListenAddresses.Add(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        await using var host = await CastoHost.StartAsync(hostOptions, cts.Token);
        await using var dht = KadDht.Create(host);
        string bootstrap = host.ListenAddresses[0].WithPeerId(host.PeerId).ToString();

        await using var publisher = await new CastoClient(Loopback.Options("via-dht", [bootstrap])).PublishAsync(CastoSource.BuiltInClip, cts.Token);
        var stream = KadKeys.ForStream("via-dht");
        await WaitAsync(async () =>
        {
            await foreach (var p in dht.FindProvidersAsync(stream, 1, null, cts.Token))
            {
                return p.PeerId.ToString() == publisher.PeerId;
            }

            return false;
        }, "the publisher's provider record reaches the DHT node", cts.Token);

        await using var media = await new CastoClient(Loopback.Options("via-dht", [bootstrap])).StartAsync(cts.Token);
        var frames = 0;
        await foreach (CastoFrame frame in media.ReadFramesAsync(cts.Token))
        {
            frame.Dispose();
            if (++frames == 10)
            {
                break;
            }
        }

        Assert.Equal(publisher.PeerId, media.Stats.Parent);
        Assert.Equal(1, media.Stats.Depth);
        Assert.Equal(1, publisher.Children);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(100, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            Assert.False(cancellationToken.IsCancellationRequested, $"timed out waiting until {what}");
        }
    }
}
