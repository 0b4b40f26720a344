using Casto.Discovery.Dns;
using Casto.Discovery.Mdns;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Mdns;

/// <summary>mDNS discovery over an in-process multicast bus with a manual clock: no sockets.</summary>
public sealed class MdnsDiscoveryTests
{
    private readonly FakeMulticastBus _bus = new();
    private readonly ManualTimeProvider _time = new();

    private static PrivateKey NewKey() => PrivateKey.Generate();

    private MdnsDiscovery Node(PrivateKey key, string address, Action<MdnsOptions>? configure = null)
    {
        var options = new MdnsOptions { PeerId = key.PeerId, Addresses = [Multiaddr.Parse(address)] };
        configure?.Invoke(options);
        return new MdnsDiscovery(options, _bus.Open, _time, null);
    }

    private static byte[] Response(string instance, uint ttl, params string[] dnsaddrs) =>
        DnsMessage.Response(
            [new DnsPtrRecord("_p2p._udp.local", ttl, instance + "._p2p._udp.local"),
             .. dnsaddrs.Select(a => DnsTxtRecord.FromStrings(instance + "._p2p._udp.local", ttl, ["dnsaddr=" + a]))]).ToArray();

    [Fact]
    public async Task Two_nodes_find_each_other_with_addresses_without_p2p()
    {
        using var keyA = NewKey();
        using var keyB = NewKey();
        var sinkA = new TestSink();
        var sinkB = new TestSink();
        await using var a = Node(keyA, "/ip4/10.0.0.1/tcp/4001");
        await using var b = Node(keyB, "/ip4/10.0.0.2/tcp/4002/p2p/" + keyB.PeerId);
        await a.StartAsync(sinkA);
        await b.StartAsync(sinkB);

        var foundB = await sinkA.NextAsync();
        Assert.Equal((DiscoveryEventKind.Found, "mdns", keyB.PeerId), (foundB.Kind, foundB.Source, foundB.PeerId));
        Assert.Equal([Multiaddr.Parse("/ip4/10.0.0.2/tcp/4002")], foundB.Addrs);
        var foundA = await sinkB.NextAsync();
        Assert.Equal(keyA.PeerId, foundA.PeerId);
        Assert.Equal([Multiaddr.Parse("/ip4/10.0.0.1/tcp/4001")], foundA.Addrs);
        Assert.Equal(63, a.InstanceName.IndexOf('.', StringComparison.Ordinal));
        Assert.DoesNotContain(keyA.PeerId.ToString(), a.InstanceName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_sends_an_announcement_and_a_query_at_once_then_queries_every_interval()
    {
        using var key = NewKey();
        await using var a = Node(key, "/ip4/10.0.0.1/tcp/4001");
        await a.StartAsync(new TestSink());
        await _bus.DrainAsync();
        var sent = _bus.Sent.Select(p => DnsMessage.Read(p)).ToList();
        Assert.True(sent[0].IsResponse);
        Assert.False(sent[1].IsResponse);
        Assert.Equal(new DnsQuestion("_p2p._udp.local", DnsRecordType.Ptr), Assert.Single(sent[1].Questions));
        var txt = Assert.IsType<DnsTxtRecord>(sent[0].Answers[1]);
        Assert.Equal(["dnsaddr=/ip4/10.0.0.1/tcp/4001/p2p/" + key.PeerId], txt.Texts);
        Assert.Equal(txt, Assert.Single(sent[0].Additionals));
        Assert.Equal(120u, txt.Ttl);

        var responses = _bus.Sent.Count(p => DnsMessage.Read(p).IsResponse);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _bus.DrainAsync();
        Assert.Equal(responses + 1, _bus.Sent.Count(p => DnsMessage.Read(p).IsResponse)); // the second announcement (RFC 6762 §8.3)

        var before = _bus.Sent.Count(p => !DnsMessage.Read(p).IsResponse);
        _time.Advance(TimeSpan.FromSeconds(29));
        await _bus.DrainAsync();
        Assert.Equal(before + 3, _bus.Sent.Count(p => !DnsMessage.Read(p).IsResponse));
    }

    [Fact]
    public async Task Goodbye_on_dispose_makes_peers_publish_lost()
    {
        using var keyA = NewKey();
        using var keyB = NewKey();
        var sinkA = new TestSink();
        await using var a = Node(keyA, "/ip4/10.0.0.1/tcp/4001");
        var b = Node(keyB, "/ip4/10.0.0.2/tcp/4002");
        await a.StartAsync(sinkA);
        await b.StartAsync(new TestSink());
        Assert.Equal(DiscoveryEventKind.Found, (await sinkA.NextAsync()).Kind);

        await b.DisposeAsync();
        var lost = await sinkA.NextAsync();
        Assert.Equal((DiscoveryEventKind.Lost, keyB.PeerId), (lost.Kind, lost.PeerId));
        Assert.Empty(lost.Addrs);
        // A may still answer B's last query after the goodbye went out, so find the goodbye rather than take the last packet.
        var goodbye = _bus.Sent.Select(p => DnsMessage.Read(p))
            .Last(m => m.IsResponse && m.Answers.Any(r => r is DnsPtrRecord { Ttl: 0 }));
        Assert.Equal(0u, Assert.IsType<DnsPtrRecord>(Assert.Single(goodbye.Answers)).Ttl);
    }

    [Fact]
    public async Task Records_expire_after_their_ttl()
    {
        using var key = NewKey();
        using var remote = NewKey();
        var sink = new TestSink();
        await using var a = Node(key, "/ip4/10.0.0.1/tcp/4001");
        await a.StartAsync(sink);
        _bus.Inject(Response("remote", 5, "/ip4/10.0.0.9/tcp/1/p2p/" + remote.PeerId));
        Assert.Equal(DiscoveryEventKind.Found, (await sink.NextAsync()).Kind);

        _time.Advance(TimeSpan.FromSeconds(4));
        await _bus.DrainAsync();
        Assert.Single(sink.All);
        _time.Advance(TimeSpan.FromSeconds(2));
        var lost = await sink.NextAsync();
        Assert.Equal((DiscoveryEventKind.Lost, remote.PeerId), (lost.Kind, lost.PeerId));
    }

    [Fact]
    public async Task Address_changes_are_announced_and_seen_as_found_again()
    {
        using var keyA = NewKey();
        using var keyB = NewKey();
        var sinkA = new TestSink();
        await using var a = Node(keyA, "/ip4/10.0.0.1/tcp/4001");
        await using var b = Node(keyB, "/ip4/10.0.0.2/tcp/4002");
        await a.StartAsync(sinkA);
        await b.StartAsync(new TestSink());
        await sinkA.NextAsync();

        b.UpdateAddresses([Multiaddr.Parse("/ip4/10.0.0.2/tcp/5000"), Multiaddr.Parse("/ip4/8.8.8.8/tcp/1"), Multiaddr.Parse("/ip6/fd00::2/tcp/5000")]);
        var found = await sinkA.NextAsync();
        Assert.Equal(DiscoveryEventKind.Found, found.Kind);
        Assert.Equal([Multiaddr.Parse("/ip4/10.0.0.2/tcp/5000"), Multiaddr.Parse("/ip6/fd00::2/tcp/5000")], found.Addrs);
        b.UpdateAddresses([Multiaddr.Parse("/ip4/10.0.0.2/tcp/5000"), Multiaddr.Parse("/ip6/fd00::2/tcp/5000")]);
        await _bus.DrainAsync();
        Assert.Equal(2, sinkA.All.Count);

        b.UpdateAddresses([Multiaddr.Parse("/ip4/0.0.0.0/tcp/6000")]);
        Assert.Contains("/ip4/127.0.0.1/tcp/6000/p2p/" + keyB.PeerId, b.AnnouncedAddresses);
        Assert.DoesNotContain(b.AnnouncedAddresses, a => a.Contains("0.0.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Own_packets_and_own_peer_id_are_ignored()
    {
        using var key = NewKey();
        var sink = new TestSink();
        await using var a = Node(key, "/ip4/10.0.0.1/tcp/4001");
        await a.StartAsync(sink);
        _time.Advance(TimeSpan.FromSeconds(25));
        _bus.Inject(Response("another-instance-of-me", 120, "/ip4/10.0.0.1/tcp/4001/p2p/" + key.PeerId));
        await _bus.DrainAsync();
        Assert.Empty(sink.All);
        Assert.Contains(_bus.Sent, p => DnsMessage.Read(p).IsResponse);
    }

    [Fact]
    public async Task Reads_js_style_responses_and_skips_junk_txt()
    {
        using var key = NewKey();
        using var remote = NewKey();
        var sink = new TestSink();
        await using var a = Node(key, "/ip4/10.0.0.1/tcp/4001");
        await a.StartAsync(sink);
        _bus.Inject(Response("js", 120, "/ip4/10.0.0.7/tcp/1/p2p/" + remote.PeerId, "not a multiaddr", "/ip4/10.0.0.7/tcp/2", "/ip4/10.0.0.7/tcp/3/p2p/" + remote.PeerId));
        var found = await sink.NextAsync();
        Assert.Equal(remote.PeerId, found.PeerId);
        Assert.Equal([Multiaddr.Parse("/ip4/10.0.0.7/tcp/1"), Multiaddr.Parse("/ip4/10.0.0.7/tcp/3")], found.Addrs);
        _bus.Inject([1, 2, 3]);
        _bus.Inject(new byte[20_000]);
        await _bus.DrainAsync();
        Assert.Equal(2, a.DroppedPackets);
    }

    [Fact]
    public async Task Floods_are_bounded_by_peer_packet_and_response_limits()
    {
        using var key = NewKey();
        var sink = new TestSink();
        await using var a = Node(key, "/ip4/10.0.0.1/tcp/4001", o => { o.MaxPeers = 10; o.MaxPacketsPerSecond = 100; o.MaxResponsesPerSecond = 3; });
        await a.StartAsync(sink);
        await _bus.DrainAsync();
        var keys = Enumerable.Range(0, 50).Select(_ => NewKey()).ToList();
        foreach (var (k, i) in keys.Select((k, i) => (k, i)))
        {
            _bus.Inject(Response("flood" + i, 120, "/ip4/10.0.0.9/tcp/1/p2p/" + k.PeerId));
        }

        var responsesBefore = _bus.Sent.Count(p => DnsMessage.Read(p).IsResponse);
        for (var i = 0; i < 200; i++)
        {
            _bus.Inject(DnsMessage.Query(new DnsQuestion("_p2p._udp.local", DnsRecordType.Ptr)).ToArray());
        }

        await _bus.DrainAsync();
        Assert.Equal(10, sink.All.Count);
        Assert.InRange(_bus.Sent.Count(p => DnsMessage.Read(p).IsResponse) - responsesBefore, 0, 3);
        Assert.True(a.DroppedPackets >= 150);
        foreach (var k in keys)
        {
            k.Dispose();
        }
    }

    [Fact]
    public async Task Answers_the_dns_sd_meta_query_with_the_service_type()
    {
        using var key = NewKey();
        await using var a = Node(key, "/ip4/10.0.0.1/tcp/4001");
        await a.StartAsync(new TestSink());
        await _bus.DrainAsync();
        var before = _bus.Sent.Count;
        _bus.Inject(DnsMessage.Query(new DnsQuestion("_services._dns-sd._udp.local", DnsRecordType.Ptr)).ToArray());
        await _bus.DrainAsync();
        var answer = DnsMessage.Read(Assert.Single(_bus.Sent.Skip(before)));
        var ptr = Assert.IsType<DnsPtrRecord>(Assert.Single(answer.Answers));
        Assert.Equal(("_services._dns-sd._udp.local", "_p2p._udp.local"), (ptr.Name, ptr.Target));
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.ThrowsAny<ArgumentException>(() => new MdnsOptions().Validate());
        using var key = NewKey();
        Assert.ThrowsAny<ArgumentException>(() => new MdnsOptions { PeerId = key.PeerId, PeerNameLength = 64 }.Validate());
        Assert.ThrowsAny<ArgumentException>(() => new MdnsOptions { PeerId = key.PeerId, UseIPv4 = false, UseIPv6 = false }.Validate());
        new MdnsOptions { PeerId = key.PeerId }.Validate();
    }
}
