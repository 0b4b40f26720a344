using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Multiformats;

namespace Casto.Discovery.Tests.Kad;

/// <summary>
/// One js-libp2p node with @libp2p/kad-dht in server mode and two Casto nodes on TCP loopback: A is connected to js,
/// B only to A. So whatever B learns about js (or js about B) went through a C# node's DHT server.
/// </summary>
public sealed class KadJsFixture : IAsyncLifetime
{
    private readonly KadTestNetwork _network = new(tcp: true);

    public KadTestNetwork Network => _network;

    public JsKadPeer Js { get; private set; } = null!;

    public (CastoHost Host, KadDht Dht) A { get; private set; }

    public (CastoHost Host, KadDht Dht) B { get; private set; }

    public PeerId JsPeer => PeerId.Parse(Js.PeerId);

    public async Task InitializeAsync()
    {
        Js = await JsKadPeer.StartAsync();
        A = await _network.AddAsync(o => o.BootstrapPeers.Add(Multiaddr.Parse(Js.Addresses[0])));
        Assert.True(await A.Dht.BootstrapAsync() >= 1);
        B = await _network.AddAsync(o => o.BootstrapPeers.Add(A.Host.ListenAddresses[0]));
        Assert.True(await B.Dht.BootstrapAsync() >= 1);
        // js learns about A from identify on A's connection (A lists /ipfs/kad/1.0.0)
        for (var i = 0; i < 50 && (await Js.RunAsync("table")).GetProperty("size").GetInt32() == 0; i++)
        {
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await _network.DisposeAsync();
        await Js.DisposeAsync();
    }
}

public sealed class KadJsInteropTests(KadJsFixture fixture) : IClassFixture<KadJsFixture>
{
    [Fact]
    public async Task Js_has_the_csharp_server_in_its_routing_table_and_we_have_js()
    {
        Assert.Contains(KadDht.DefaultProtocolId, fixture.Js.Protocols);
        Assert.True((await fixture.Js.RunAsync("inTable", new { peer = fixture.A.Host.PeerId.ToString() })).GetProperty("present").GetBoolean());
        Assert.Contains(fixture.A.Dht.RoutingTablePeers, p => p.PeerId == fixture.JsPeer);
    }

    [Fact]
    public async Task Find_node_both_ways()
    {
        // C# → js: js answers our FIND_NODE
        var stats = await fixture.A.Dht.GetClosestPeersAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Assert.Contains(stats.Closest, p => p.PeerId == fixture.JsPeer);

        // js → C#: js finds B, which only A (C#) knows, through A's FIND_NODE answer
        var found = await fixture.Js.RunAsync("findPeer", new { peer = fixture.B.Host.PeerId.ToString() });
        Assert.Equal(fixture.B.Host.PeerId.ToString(), found.GetProperty("id").GetString());
        var port = fixture.B.Host.ListenAddresses[0].ValueOf(MultiaddrProtocol.Tcp);
        Assert.Contains(found.GetProperty("addrs").EnumerateArray(), a => a.GetString()!.Contains("/tcp/" + port, StringComparison.Ordinal));

        // and B finds js through A
        var js = await fixture.B.Dht.FindPeerAsync(fixture.JsPeer);
        Assert.NotNull(js);
        Assert.Contains(js.Addresses, a => fixture.Js.Addresses[0].StartsWith(a.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Csharp_provides_and_js_finds_the_provider()
    {
        var cid = KadKeys.ForStream("interop/csharp-provides");
        Assert.True(await fixture.B.Dht.ProvideAsync(cid) >= 1);
        var answer = await fixture.Js.RunAsync("findProviders", new { cid = cid.ToString() });
        var providers = answer.GetProperty("providers").EnumerateArray().ToList();
        var b = Assert.Single(providers, p => p.GetProperty("id").GetString() == fixture.B.Host.PeerId.ToString());
        Assert.NotEmpty(b.GetProperty("addrs").EnumerateArray());
    }

    [Fact]
    public async Task Js_provides_and_csharp_finds_the_provider()
    {
        var cid = KadKeys.ForStream("interop/js-provides");
        await fixture.Js.RunAsync("provide", new { cid = cid.ToString() });
        var stats = new KadQueryStats();
        var providers = await fixture.B.Dht.FindProvidersAsync(cid, 1, stats).ToListAsync();
        var js = Assert.Single(providers);
        Assert.Equal(fixture.JsPeer, js.PeerId);
        Assert.Contains(js.Addresses, a => fixture.Js.Addresses[0].StartsWith(a.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Public_key_records_put_and_get_both_ways()
    {
        // C# puts /pk/B; js gets it and checks it with its own /pk/ validator
        var key = KadKeys.ForPublicKey(fixture.B.Host.PeerId);
        var value = fixture.B.Host.PeerId.PublicKey!.Protobuf.ToArray();
        Assert.True(await fixture.B.Dht.PutValueAsync(key, value) >= 1);
        var got = await fixture.Js.RunAsync("get", new { key = Convert.ToHexStringLower(key) });
        Assert.Equal(Convert.ToHexStringLower(value), got.GetProperty("value").GetString());

        // js puts /pk/js; B (never connected to js) gets it from the network and validates it
        var put = await fixture.Js.RunAsync("putPk");
        var jsKey = Convert.FromHexString(put.GetProperty("key").GetString()!);
        Assert.Equal(KadKeys.ForPublicKey(fixture.JsPeer), jsKey);
        var jsValue = await fixture.B.Dht.GetValueAsync(jsKey);
        Assert.NotNull(jsValue);
        Assert.True(fixture.JsPeer.Matches(PublicKey.FromProtobuf(jsValue)));
    }

    [Fact]
    public async Task A_csharp_client_finds_providers_through_js_and_stays_out_of_its_table()
    {
        var cid = KadKeys.ForStream("interop/client-mode");
        Assert.True(await fixture.A.Dht.ProvideAsync(cid) >= 1);
        var (clientHost, client) = await fixture.Network.AddAsync(o =>
        {
            o.ServerMode = false;
            o.BootstrapPeers.Add(Multiaddr.Parse(fixture.Js.Addresses[0]));
        });
        Assert.DoesNotContain(KadDht.DefaultProtocolId, clientHost.Protocols);
        Assert.True(await client.BootstrapAsync() >= 1);
        var providers = await client.FindProvidersAsync(cid, 1).ToListAsync();
        Assert.Equal(fixture.A.Host.PeerId, Assert.Single(providers).PeerId);
        await Task.Delay(500);
        Assert.False((await fixture.Js.RunAsync("inTable", new { peer = clientHost.PeerId.ToString() })).GetProperty("present").GetBoolean());
        Assert.True((await fixture.Js.RunAsync("inTable", new { peer = fixture.A.Host.PeerId.ToString() })).GetProperty("present").GetBoolean());
    }
}
