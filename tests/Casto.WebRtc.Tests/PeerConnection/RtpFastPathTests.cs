using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>
/// The allocation-free media paths: <see cref="RtcPeerConnection.TrySendRtp(ReadOnlySpan{byte})"/> (false and counted,
/// never thrown, when a packet cannot go) and <see cref="RtcPeerConnection.RtpReceived"/> (the unprotected packet, in
/// place); the receive queue when it is off, when nobody reads it, and when a handler throws.
/// </summary>
public sealed class RtpFastPathTests
{
    [Fact]
    public async Task TrySendRtpReturnsFalseAndCountsBeforeConnectedAndAfterClose()
    {
        await using var idle = new RtcPeerConnection();
        byte[] packet = ConnectedPair.Rtp(idle, 1);
        Assert.False(idle.TrySendRtp(packet), "sent before any description");
        string offer = await idle.CreateOfferAsync();
        idle.SetLocalDescription(RtcSdpType.Offer, offer);
        Assert.False(idle.TrySendRtp(packet), "sent with only a local description");
        Assert.Equal(2, idle.RtpSendDropped);

        var pair = await ConnectedPair.StartAsync();
        await using (pair)
        {
            Assert.True(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, 1)));
            Assert.Equal(0, pair.Sender.RtpSendDropped);
            await pair.Sender.CloseAsync();
            Assert.False(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, 2)), "sent after close");
            Assert.False(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, 3), new RtcRtpRewrite(1234, 96, 10, 10)), "sent with a rewrite after close");
            Assert.Equal(2, pair.Sender.RtpSendDropped);
        }
    }

    [Fact]
    public async Task TrySendRtpReturnsFalseForMalformedAndOversizedPackets()
    {
        await using var pair = await ConnectedPair.StartAsync(new RtcPeerConnectionOptions { ReceiveQueueCapacity = 0 });
        var sender = pair.Sender;
        byte[] noCsrcs = ConnectedPair.Rtp(sender, 1, payloadLength: 0);
        noCsrcs[0] |= 0x0F; // claims 15 CSRCs that are not there
        byte[] version1 = ConnectedPair.Rtp(sender, 2);
        version1[0] = (byte)((version1[0] & 0x3F) | 0x40);
        byte[][] bad =
        [
            [],
            new byte[11],
            noCsrcs,
            version1,
            ConnectedPair.Rtp(sender, 3, payloadLength: RtcPeerConnection.MaxRtpPacketSize - 12 + 1),
            new byte[64 * 1024],
        ];
        foreach (byte[] packet in bad)
        {
            Assert.False(sender.TrySendRtp(packet), $"a {packet.Length}-byte malformed or oversized packet was sent");
            Assert.False(sender.TrySendRtp(packet, new RtcRtpRewrite(sender.Ssrc, 96, 1, 1)), $"a {packet.Length}-byte malformed or oversized packet was sent with a rewrite");
        }

        Assert.Equal(2 * bad.Length, sender.RtpSendDropped);
        Assert.True(sender.TrySendRtp(ConnectedPair.Rtp(sender, 4, payloadLength: 1200)), "a good packet after the bad ones");
        Assert.Equal(2 * bad.Length, sender.RtpSendDropped);
        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.GetStats().PacketsReceived == 1, ConnectedPair.Timeout, () => $"received {pair.Receiver.GetStats().PacketsReceived}");
        Assert.Equal(0, pair.Receiver.UndecryptablePackets);
        Assert.Equal(RtcPeerConnectionState.Connected, sender.ConnectionState);
    }

    [Fact]
    public async Task TheLargestPacketTrySendRtpAcceptsArrives()
    {
        await using var pair = await ConnectedPair.StartAsync(new RtcPeerConnectionOptions { ReceiveQueueCapacity = 0 });
        Assert.True(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, 1, payloadLength: RtcPeerConnection.MaxRtpPacketSize - 12)), "the largest allowed packet");
        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.GetStats().PacketsReceived == 1, TimeSpan.FromSeconds(5), () => $"received {pair.Receiver.GetStats().PacketsReceived} of 1 {RtcPeerConnection.MaxRtpPacketSize}-byte packet");
    }

    [Fact]
    public async Task RtpReceivedDeliversExactlyWhatWasSent()
    {
        var received = new List<byte[]>();
        await using var pair = await ConnectedPair.StartAsync(
            new RtcPeerConnectionOptions { ReceiveQueueCapacity = 0 },
            (_, receiver) => receiver.RtpReceived += (_, packet) =>
            {
                lock (received)
                {
                    received.Add(packet.ToArray());
                }
            });
        var sent = new List<byte[]>();
        int[] sizes = [0, 1, 100, 1000, 1400 - 12];
        for (int i = 0; i < sizes.Length; i++)
        {
            byte[] packet = ConnectedPair.Rtp(pair.Sender, (ushort)(100 + i), sizes[i]);
            sent.Add(packet);
            Assert.True(i % 2 == 0 ? pair.Sender.TrySendRtp(packet) : pair.Sender.TrySendRtp(packet.AsSpan()));
        }

        byte[] rewritten = ConnectedPair.Rtp(pair.Sender, 200, 50);
        byte[] original = rewritten.ToArray();
        Assert.True(pair.Sender.TrySendRtp(rewritten, new RtcRtpRewrite(pair.Sender.Ssrc, pair.Sender.VideoPayloadType, 5, 90)));
        Assert.Equal(original, rewritten); // the caller's buffer is not changed

        await ConnectedPair.WaitUntilAsync(() => Count(received) == sent.Count + 1, ConnectedPair.Timeout, () => $"received {Count(received)} of {sent.Count + 1}");
        lock (received)
        {
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.True(sent[i].AsSpan().SequenceEqual(received[i]), $"packet {i} ({sent[i].Length} bytes) arrived as {received[i].Length} different bytes");
            }

            Assert.True(RtpPacket.TryRead(received[^1], out RtpHeader header, out ReadOnlySpan<byte> payload));
            Assert.Equal(205, header.SequenceNumber);
            Assert.Equal((3000u * 200) + 90, header.Timestamp);
            Assert.True(payload.SequenceEqual(original.AsSpan(12)), "the rewritten packet's payload");
        }

        Assert.Null(pair.Receiver.RtpPackets);
        var ex = await Assert.ThrowsAsync<PeerConnectionException>(async () => await pair.Receiver.ReadRtpAsync());
        Assert.Equal(PeerConnectionError.InvalidState, ex.Error);
        ex = await Assert.ThrowsAsync<PeerConnectionException>(async () =>
        {
            await foreach (var packet in pair.Receiver.ReadAllRtpAsync())
            {
                Assert.Fail($"read a {packet.Length}-byte packet from a queue that is off");
            }
        });
        Assert.Equal(PeerConnectionError.InvalidState, ex.Error);
    }

    [Fact]
    public async Task AThrowingHandlerIsCountedAndLaterPacketsStillArrive()
    {
        var later = new List<ushort>();
        await using var pair = await ConnectedPair.StartAsync(
            new RtcPeerConnectionOptions { ReceiveQueueCapacity = 16 },
            (_, receiver) =>
            {
                receiver.RtpReceived += (_, packet) =>
                {
                    if (packet[3] % 2 == 1)
                    {
                        throw new InvalidOperationException("handler fault for the test");
                    }
                };
                receiver.RtpReceived += (_, packet) =>
                {
                    lock (later)
                    {
                        later.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(packet[2..]));
                    }
                };
            });
        for (ushort seq = 1; seq <= 10; seq++)
        {
            Assert.True(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, seq)));
        }

        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.GetStats().PacketsReceived == 10, ConnectedPair.Timeout, () => $"received {pair.Receiver.GetStats().PacketsReceived} of 10");
        Assert.Equal(5, pair.Receiver.HandlerFaults);
        lock (later)
        {
            Assert.Equal(new ushort[] { 2, 4, 6, 8, 10 }, later); // the faulting handler drops its packet for the handlers after it, not the ones after that packet
        }

        var queued = new List<ushort>();
        for (int i = 0; i < 10; i++)
        {
            var packet = await pair.Receiver.ReadRtpAsync().AsTask().WaitAsync(ConnectedPair.Timeout);
            Assert.True(RtpPacket.TryRead(packet.Span, out RtpHeader header, out _));
            queued.Add(header.SequenceNumber);
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (ushort)i), queued); // the queue gets every packet, faulted or not
        Assert.Equal(RtcPeerConnectionState.Connected, pair.Receiver.ConnectionState);
    }

    [Fact]
    public async Task AFullReceiveQueueDropsTheOldestAndCountsThem()
    {
        const int capacity = 4;
        const int sent = 20;
        await using var pair = await ConnectedPair.StartAsync(new RtcPeerConnectionOptions { ReceiveQueueCapacity = capacity });
        for (ushort seq = 1; seq <= sent; seq++)
        {
            Assert.True(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, seq)));
        }

        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.GetStats().PacketsReceived == sent, ConnectedPair.Timeout, () => $"received {pair.Receiver.GetStats().PacketsReceived} of {sent}");
        Assert.Equal(sent - capacity, pair.Receiver.ReceiveQueueDropped);
        for (int seq = sent - capacity + 1; seq <= sent; seq++)
        {
            var packet = await pair.Receiver.ReadRtpAsync().AsTask().WaitAsync(ConnectedPair.Timeout);
            Assert.True(RtpPacket.TryRead(packet.Span, out RtpHeader header, out _));
            Assert.Equal(seq, header.SequenceNumber);
        }

        Assert.False(pair.Receiver.RtpPackets!.TryRead(out _), "only the newest packets stay queued");
    }

    private static int Count(List<byte[]> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }
}
