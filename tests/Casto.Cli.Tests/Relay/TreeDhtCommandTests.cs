using System.Text.Json;
using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Cli.Tests.Relay;

/// <summary>
/// casto broadcast and watch with only <c>--bootstrap</c> (a DHT node that carries no stream), no signal server and no
/// mDNS: the watcher finds the broadcaster through the stream's provider record (KadKeys.ForStream).
/// </summary>
public sealed class TreeDhtCommandTests
{
    [Fact]
    public async Task A_watcher_finds_the_broadcaster_through_the_dht_alone()
    {
        using var key = PrivateKey.Generate();
        var options = HostDefaults.Create(key);
        options.ListenAddresses.Add(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        await using var host = await CastoHost.StartAsync(options);
        await using var dht = KadDht.Create(host);
        string bootstrap = host.ListenAddresses[0].WithPeerId(host.PeerId).ToString();

        var broadcast = CliRunner.RunAsync("broadcast", "dht-live", "--bootstrap", bootstrap, "--no-mdns", "--seconds", "14");
        var cid = KadKeys.ForStream("dht-live");
        string? provider = null;
        for (int i = 0; i < 100 && provider is null; i++)
        {
            await foreach (var p in dht.FindProvidersAsync(cid, 1))
            {
                provider = p.PeerId.ToString();
            }

            await Task.Delay(100);
        }

        Assert.NotNull(provider); // the broadcaster provided the stream's key to the DHT node
        var (code, output, error) = await CliRunner.RunAsync("watch", "dht-live", "--bootstrap", bootstrap, "--no-mdns", "--seconds", "6");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var last = lines[^1];
        Assert.True(last.GetProperty("frames").GetInt64() >= 60, last.ToString());
        Assert.Equal(1, last.GetProperty("depth").GetInt32());
        Assert.Equal(provider, last.GetProperty("parent").GetString());

        var (broadcastCode, broadcastOut, broadcastErr) = await broadcast;
        Assert.True(broadcastCode == 0, broadcastErr);
        Assert.Equal(provider, JsonDocument.Parse(broadcastOut.Split('\n')[0]).RootElement.GetProperty("peerId").GetString());
    }
}
