using Casto.Relay.Forwarding;
using Casto.Testing;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Xunit.Abstractions;

namespace Casto.Relay.Tests.Forwarding;

/// <summary>
/// A publisher on a clean link into a <see cref="ForwardedStream"/>, three children each reaching its viewer through
/// its own <see cref="LossyUdpProxy"/> (5 % of SRTP/SRTCP dropped each way, own seed): every viewer ends with every
/// packet, and the retransmissions come from the stream's shared history, not from the children's connections.
/// </summary>
public sealed class SharedHistoryNackTests(ITestOutputHelper output)
{
    private const int Viewers = 3;
    private const int Measured = 300; // upstream packets every viewer must end up with (~5 s of the looped clip)

    // A receiver learns of a loss only from a later sequence number: packets lost before a viewer's first one are
    // not NACKable (it would need a PLI), nor are those after its last. So the measured packets start after a
    // warm-up and the publisher keeps sending after them.
    private const int Warmup = 16;
    private const int Tail = 40;

    [Fact]
    public async Task ViewersBehindFivePercentLossGetEveryPacketFromTheSharedHistory()
    {
        using var stream = new ForwardedStream("nack");
        await using var publisher = new RtcPeerConnection(PeerPairs.Publisher());
        await using var source = new RtcPeerConnection(PeerPairs.NodeSource());
        var upstream = new RtpLog(source);
        await PeerPairs.ConnectAsync(publisher, source);
        stream.SetSource(source);

        var children = new List<RtcPeerConnection>();
        var viewers = new List<RtcPeerConnection>();
        var logs = new List<RtpLog>();
        var proxies = new List<LossyUdpProxy>();
        try
        {
            for (int i = 0; i < Viewers; i++)
            {
                var child = new RtcPeerConnection(PeerPairs.NodeChild());
                var viewer = new RtcPeerConnection(PeerPairs.Viewer());
                var proxy = new LossyUdpProxy(new LossyUdpProxyOptions
                {
                    DropRateAToB = 0.05, DropRateBToA = 0.05, Drop = LossyUdpProxyDrop.SrtpOnly, Seed = 1000 + (17 * i),
                });
                children.Add(child);
                viewers.Add(viewer);
                proxies.Add(proxy);
                logs.Add(new RtpLog(viewer));
                await PeerPairs.ConnectAsync(child, viewer, proxy);
                Assert.True(stream.TryAddSubscriber(child), $"child {i} was refused");
            }

            var clip = await MediaSources.LoadDefaultVp8Async();
            using var stop = new CancellationTokenSource();
            var sending = RtcClipSender.SendAsync(publisher, clip, loop: true, cancellationToken: stop.Token);
            await PeerPairs.WaitUntilAsync(() => upstream.DistinctCount >= Warmup + Measured, TimeSpan.FromSeconds(30), () => $"the node received {upstream.DistinctCount} packets");
            var order = upstream.Snapshot().Select(p => p.Sequence).Distinct().Skip(Warmup).Take(Measured).ToList();
            var measured = order.ToHashSet();

            await PeerPairs.WaitUntilAsync(() => upstream.DistinctCount >= Warmup + Measured + Tail, TimeSpan.FromSeconds(30), () => $"the node received {upstream.DistinctCount} packets");
            await stop.CancelAsync();
            long sent = await sending;
            Assert.True(sent >= Warmup + Measured + Tail, $"the publisher sent {sent} packets");

            string Missing() => string.Join("; ", logs.Select((log, i) =>
                $"viewer {i}: missing {measured.Count(s => !log.Contains(s))}/{Measured} (at {string.Join(',', order.Select((s, k) => (s, k)).Where(x => !log.Contains(x.s)).Select(x => x.k))}), proxy dropped {proxies[i].DroppedAToB} to it and {proxies[i].DroppedBToA} from it, "
                + $"NACKs sent {viewers[i].GetStats().NacksSent}, given up {viewers[i].GetStats().NackGivenUp}, asked {viewers[i].GetStats().NackedPacketsRequested}, undecryptable {viewers[i].UndecryptablePackets}"));
            await PeerPairs.WaitUntilAsync(() => logs.All(log => measured.All(log.Contains)), TimeSpan.FromSeconds(10), Missing);

            var stats = stream.GetStats().Video;
            output.WriteLine($"sent {sent}; stream: in {stats.PacketsIn}, out {stats.PacketsOut}, NACKed {stats.NackedPackets}, retransmitted {stats.Retransmissions}, missed {stats.RetransmissionMisses}; {Missing()}");
            Assert.True(stats.Retransmissions > 0, $"the stream retransmitted {stats.Retransmissions} packets for {stats.NackedPackets} NACKed");
            Assert.Equal(0, stats.RetransmissionMisses);
            Assert.Equal(0, stats.SendDrops);
            for (int i = 0; i < Viewers; i++)
            {
                Assert.True(proxies[i].DroppedAToB > 0, $"proxy {i} dropped {proxies[i].DroppedAToB} of {proxies[i].ForwardedAToB + proxies[i].DroppedAToB} datagrams to its viewer");
                var viewer = viewers[i].GetStats();
                Assert.True(viewer.NacksSent > 0, $"viewer {i} sent {viewer.NacksSent} NACKs");
                // A retransmission that arrives after the packet itself (asked for twice when the first answer was slow) is an SRTP replay.
                Assert.True(viewer.UndecryptablePackets <= viewer.NackedPacketsRequested, $"viewer {i}: {viewer.UndecryptablePackets} undecryptable packets for {viewer.NackedPacketsRequested} asked for");
                var child = children[i].GetStats();
                Assert.True(child.NacksReceived > 0, $"child {i} received {child.NacksReceived} NACKs");
                Assert.Equal(0, child.RetransmittedPackets); // it keeps no history: the stream answered
            }

            long dropped = proxies.Sum(p => p.DroppedAToB);
            Assert.True(stats.Retransmissions >= dropped / 2, $"the stream retransmitted {stats.Retransmissions} packets; the proxies dropped {dropped} datagrams (media and RTCP) towards the viewers");
        }
        finally
        {
            foreach (var d in children.Concat(viewers).Cast<IAsyncDisposable>().Concat(proxies))
            {
                await d.DisposeAsync();
            }
        }
    }
}
