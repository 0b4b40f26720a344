using Casto.Discovery.Dns;
using Casto.Discovery.Mdns;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Mdns;

/// <summary>Whatever arrives on the group, the mDNS handler never throws (the socket loop must survive any datagram).</summary>
public sealed class MdnsFuzzTests
{
    private sealed class CapturingTransport : IMdnsTransport
    {
        public MdnsPacketHandler? Handler { get; set; }

        public void Send(ReadOnlySpan<byte> packet)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Mutated_responses_and_queries_never_escape_the_handler()
    {
        using var key = PrivateKey.Generate();
        using var remote = PrivateKey.Generate();
        var transport = new CapturingTransport();
        var options = new MdnsOptions { PeerId = key.PeerId, Addresses = [Multiaddr.Parse("/ip4/10.0.0.1/tcp/1")], MaxPacketsPerSecond = int.MaxValue / 2 };
        await using var mdns = new MdnsDiscovery(options, (_, handler) => { transport.Handler = handler; return transport; }, new ManualTimeProvider(), null);
        await mdns.StartAsync(new TestSink());
        var seeds = new[]
        {
            MdnsRecordsFor("peer", "/ip4/10.0.0.2/tcp/4001/p2p/" + remote.PeerId, "/ip6/fd00::2/udp/4001/quic-v1/p2p/" + remote.PeerId),
            DnsMessage.Query(new DnsQuestion("_p2p._udp.local", DnsRecordType.Ptr)).ToArray(),
        };
        Prop.ForAll(Gen.Elements(seeds).ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, int.MaxValue)).ToArbitrary(), (seed, edits) =>
        {
            var bytes = (byte[])seed.Clone();
            foreach (var e in edits)
            {
                bytes[e % bytes.Length] = (byte)(e >> 8);
            }

            transport.Handler!(bytes);
        }).QuickCheckThrowOnFailure();

        // Random TXT contents after "dnsaddr=", half of them starting like a multiaddr.
        var prefixes = Gen.Elements("", "/ip4/10.0.0.2/tcp/1/p2p/", "/ip6/", "/p2p/" + remote.PeerId + "/", "/dns4/x/tcp/1/p2p/");
        Prop.ForAll(prefixes.ToArbitrary(), ArbMap.Default.ArbFor<string>(), (prefix, text) =>
        {
            text ??= "";
            transport.Handler!(MdnsRecordsFor("junk", prefix + (text.Length > 40 ? text[..40] : text))); // ≤ 255 UTF-8 bytes
        }).QuickCheckThrowOnFailure();
    }

    private static byte[] MdnsRecordsFor(string instance, params string[] addrs) =>
        DnsMessage.Response(
            [new DnsPtrRecord("_p2p._udp.local", 120, instance + "._p2p._udp.local"),
             DnsTxtRecord.FromStrings(instance + "._p2p._udp.local", 120, addrs.Select(a => "dnsaddr=" + a))]).ToArray();
}
