using Casto.Relay.Forwarding;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;

namespace Casto.Relay.Tests.Forwarding;

/// <summary>
/// <see cref="ForwardedStream.SetSource"/> with a second publisher (its own random SSRC, sequence numbers and
/// timestamps): the child's numbering continues, under the same SSRC, and its connection is undisturbed.
/// </summary>
public sealed class SourceChangeTests
{
    [Fact]
    public async Task ChildNumberingContinuesAcrossASourceChange()
    {
        using var stream = new ForwardedStream("switch");
        await using var publisherA = new RtcPeerConnection(PeerPairs.Publisher());
        await using var sourceA = new RtcPeerConnection(PeerPairs.NodeSource());
        await using var publisherB = new RtcPeerConnection(PeerPairs.Publisher());
        await using var sourceB = new RtcPeerConnection(PeerPairs.NodeSource());
        var upstreamA = new RtpLog(sourceA);
        await PeerPairs.ConnectAsync(publisherA, sourceA);
        await PeerPairs.ConnectAsync(publisherB, sourceB);
        stream.SetSource(sourceA);

        await using var child = new RtcPeerConnection(PeerPairs.NodeChild());
        await using var viewer = new RtcPeerConnection(PeerPairs.Viewer(mediaTimeout: TimeSpan.FromSeconds(2))); // a stalled test machine is not a lost peer
        var states = new List<RtcPeerConnectionState>();
        viewer.ConnectionStateChanged += (_, s) =>
        {
            lock (states)
            {
                states.Add(s);
            }
        };
        var received = new RtpLog(viewer);
        await PeerPairs.ConnectAsync(child, viewer);
        Assert.True(stream.TryAddSubscriber(child));

        var clip = await MediaSources.LoadDefaultVp8Async();
        using (var stopA = new CancellationTokenSource())
        {
            var sendingA = RtcClipSender.SendAsync(publisherA, clip, loop: true, cancellationToken: stopA.Token);
            await PeerPairs.WaitUntilAsync(() => upstreamA.DistinctCount >= 40, PeerPairs.Timeout, () => $"the node has {upstreamA.DistinctCount} of A's packets");
            await stopA.CancelAsync();
            long sentA = await sendingA;
            await PeerPairs.WaitUntilAsync(() => received.DistinctCount == sentA, PeerPairs.Timeout, () => $"the viewer has {received.DistinctCount} of A's {sentA} packets");
        }

        var beforeSwitch = received.Snapshot();
        var lastA = beforeSwitch[^1];
        stream.SetSource(sourceB);
        Assert.Same(sourceB, stream.Source);
        long sentB = await RtcClipSender.SendAsync(publisherB, clip, loop: false); // starts with a key frame: nothing to wait for
        int total = beforeSwitch.Count + (int)sentB;
        await PeerPairs.WaitUntilAsync(() => received.DistinctCount == total, PeerPairs.Timeout, () => $"the viewer has {received.DistinctCount - beforeSwitch.Count} of B's {sentB} packets");

        var all = received.Snapshot();
        Assert.Equal(total, all.Count); // no duplicates, nothing retransmitted on a clean link
        Assert.All(all, p => Assert.Equal(child.Ssrc, p.Ssrc));
        for (int i = 1; i < all.Count; i++)
        {
            Assert.True((ushort)(all[i - 1].Sequence + 1) == all[i].Sequence, $"packet {i} (switch after {beforeSwitch.Count}): sequence {all[i - 1].Sequence} then {all[i].Sequence}");
            Assert.True((int)(all[i].Timestamp - all[i - 1].Timestamp) >= 0, $"packet {i} (switch after {beforeSwitch.Count}): timestamp {all[i - 1].Timestamp} then {all[i].Timestamp}");
        }

        var firstB = all[beforeSwitch.Count];
        int step = (int)(firstB.Timestamp - lastA.Timestamp);
        Assert.InRange(step, 1, 10 * 90_000); // forward by the wall time between the two, not by B's random offset

        Assert.Equal(RtcPeerConnectionState.Connected, viewer.ConnectionState);
        lock (states)
        {
            Assert.DoesNotContain(RtcPeerConnectionState.Disconnected, states);
        }

        Assert.Equal(0, viewer.UndecryptablePackets);
        Assert.Equal(0, viewer.GetStats().PacketsLost);
        var stats = stream.GetStats().Video;
        Assert.Equal(upstreamA.DistinctCount + sentB, stats.PacketsIn);
        Assert.Equal(total, stats.PacketsOut);
    }

    /// <summary>
    /// The switch happens while one of A's packets is being handed to the stream (here: from an earlier handler on the
    /// same event, deterministically; in a node: A's receive thread racing the WHIP handler). B numbers its packets
    /// behind A's, as a random start does half the time. The viewer must still get B's stream from its key frame.
    /// </summary>
    [Fact]
    public async Task APacketOfTheOldSourceInFlightDuringTheSwitchDoesNotStallTheNewOne()
    {
        using var stream = new ForwardedStream("switch");
        await using var publisherA = new RtcPeerConnection(PeerPairs.Publisher());
        await using var sourceA = new RtcPeerConnection(PeerPairs.NodeSource());
        await using var publisherB = new RtcPeerConnection(PeerPairs.Publisher());
        await using var sourceB = new RtcPeerConnection(PeerPairs.NodeSource());
        await PeerPairs.ConnectAsync(publisherA, sourceA);
        await PeerPairs.ConnectAsync(publisherB, sourceB);

        const ushort switchAt = 1005;
        var switched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sourceA.RtpReceived += (connection, packet) => // subscribed before the stream's handler, so it runs first for each packet
        {
            if (RtpPacket.TryRead(packet, out RtpHeader header, out _) && header.SequenceNumber == switchAt)
            {
                stream.SetSource(sourceB);
                switched.TrySetResult();
            }
        };
        stream.SetSource(sourceA);

        await using var child = new RtcPeerConnection(PeerPairs.NodeChild());
        await using var viewer = new RtcPeerConnection(PeerPairs.Viewer(mediaTimeout: TimeSpan.FromSeconds(5)));
        var received = new RtpLog(viewer);
        await PeerPairs.ConnectAsync(child, viewer);
        Assert.True(stream.TryAddSubscriber(child));

        for (ushort seq = 1000; seq < 1010; seq++)
        {
            await publisherA.SendRtpAsync(Vp8Packet(publisherA, seq, 90_000u * seq / 30, keyFrameStart: seq == 1000));
        }

        await switched.Task.WaitAsync(PeerPairs.Timeout);
        await PeerPairs.WaitUntilAsync(() => received.DistinctCount >= 5, PeerPairs.Timeout, () => $"the viewer has {received.DistinctCount} of A's first 5 packets");
        int fromA = received.DistinctCount;
        for (ushort seq = 800; seq < 820; seq++) // behind A's 1005
        {
            await publisherB.SendRtpAsync(Vp8Packet(publisherB, seq, 7_000u + (3000u * seq), keyFrameStart: seq == 800));
            await Task.Delay(5);
        }

        await PeerPairs.WaitUntilAsync(() => received.DistinctCount >= fromA + 20, TimeSpan.FromSeconds(5), () => $"the viewer has {received.DistinctCount - fromA} of B's 20 packets (A's before the switch: {fromA})");
        var all = received.Snapshot();
        for (int i = 1; i < all.Count; i++)
        {
            Assert.True((ushort)(all[i - 1].Sequence + 1) == all[i].Sequence, $"packet {i}: sequence {all[i - 1].Sequence} then {all[i].Sequence}");
        }
    }

    /// <summary>A one-packet VP8 frame: a key frame start (S=1, PID=0, P=0) or an inter frame.</summary>
    private static byte[] Vp8Packet(RtcPeerConnection sender, ushort sequence, uint timestamp, bool keyFrameStart)
    {
        byte[] payload = new byte[100];
        payload[0] = 0x10; // VP8 payload descriptor: S=1, PID=0, no extensions
        payload[1] = keyFrameStart ? (byte)0x00 : (byte)0x01; // VP8 frame tag: P=0 key frame, P=1 inter frame
        var header = new RtpHeader { PayloadType = (byte)sender.VideoPayloadType, SequenceNumber = sequence, Timestamp = timestamp, Ssrc = sender.Ssrc, Marker = true };
        byte[] packet = new byte[RtpPacket.GetSize(header, payload.Length)];
        RtpPacket.Write(header, payload, packet);
        return packet;
    }
}
