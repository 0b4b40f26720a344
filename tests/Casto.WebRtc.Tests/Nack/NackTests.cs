using Casto.WebRtc.Nack;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Tests.Nack;

public class NackTests
{
    internal static byte[] Packet(ushort seq, uint ssrc = 0x1234, int payloadLength = 100)
    {
        var payload = new byte[payloadLength];
        payload.AsSpan().Fill((byte)seq);
        var header = new RtpHeader { PayloadType = 96, SequenceNumber = seq, Timestamp = seq * 3000u, Ssrc = ssrc };
        var buffer = new byte[RtpPacket.GetSize(header, payload.Length)];
        RtpPacket.Write(header, payload, buffer);
        return buffer;
    }

    [Fact]
    public void History_keeps_the_last_n_packets_across_wrap()
    {
        using var history = new RtpSendHistory(capacity: 16);
        for (int i = 0; i < 40; i++)
        {
            Assert.True(history.Store(Packet((ushort)(65520 + i))));
        }

        // Last 16 stored: 65520+24 .. 65520+39 → 8 .. 23 after the wrap.
        Assert.False(history.TryGet(7, out _));
        Assert.True(history.TryGet(8, out ReadOnlySpan<byte> p8));
        Assert.Equal(8, RtpRewriter.GetSequenceNumber(p8));
        Assert.True(history.TryGet(23, out _));
        Assert.False(history.TryGet(65535, out _));
        Assert.False(history.Store(new byte[5]));
        Assert.False(history.Store(new byte[1501]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpSendHistory(capacity: 1000));
    }

    [Fact]
    public void Responder_answers_nack_with_stored_packets()
    {
        var time = new FakeTime();
        using var responder = new NackResponder(new NackResponderOptions { MinResendInterval = TimeSpan.FromMilliseconds(10) }, time);
        for (int i = 0; i < 100; i++)
        {
            responder.OnSent(Packet((ushort)(65500 + i)));
        }

        ushort[] lost = [65530, 65535, 0, 3, 80];
        var pairs = new NackPair[lost.Length];
        int pairCount = NackPair.Pack(lost, pairs);
        var rtcp = new byte[64];
        int length = new GenericNack(1, 0x1234, pairs.AsSpan(0, pairCount)).Write(rtcp);

        var resent = new List<ushort>();
        Assert.Equal(4, responder.OnRtcp(rtcp.AsSpan(0, length), p => resent.Add(RtpRewriter.GetSequenceNumber(p))));
        Assert.Equal(new ushort[] { 65530, 65535, 0, 3 }, resent);
        Assert.Equal(1, responder.Missed); // 80 was never sent (the last sent is 63)

        // A duplicate NACK within MinResendInterval is suppressed, after it answered again.
        Assert.Equal(0, responder.OnRtcp(rtcp.AsSpan(0, length), _ => { }));
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(4, responder.OnRtcp(rtcp.AsSpan(0, length), _ => { }));
        // Unknown media SSRC: nothing.
        length = new GenericNack(1, 0x9999, pairs.AsSpan(0, pairCount)).Write(rtcp);
        Assert.Equal(0, responder.OnRtcp(rtcp.AsSpan(0, length), _ => { }));
    }

    [Fact]
    public void Responder_bounds_streams()
    {
        using var responder = new NackResponder(new NackResponderOptions { MaxStreams = 2, HistorySize = 16 });
        Assert.True(responder.OnSent(Packet(1, ssrc: 1)));
        Assert.True(responder.OnSent(Packet(1, ssrc: 2)));
        Assert.False(responder.OnSent(Packet(1, ssrc: 3)));
        responder.Remove(1);
        Assert.True(responder.OnSent(Packet(1, ssrc: 3)));
    }

    [Fact]
    public void Generator_nacks_gaps_across_wrap_and_stops_on_arrival()
    {
        var time = new FakeTime();
        var generator = new NackGenerator(1, 2, new NackGeneratorOptions { RetryInterval = TimeSpan.FromMilliseconds(20) }, time);
        foreach (ushort seq in new ushort[] { 65533, 65534, 1, 2, 5 })
        {
            generator.OnReceived(seq);
        }

        Assert.Equal(4, generator.MissingCount); // 65535, 0, 3, 4
        Span<ushort> due = stackalloc ushort[16];
        Assert.Equal(4, generator.CollectDue(due));
        Assert.Equal(new ushort[] { 65535, 0, 3, 4 }, due[..4].ToArray());
        Assert.Equal(0, generator.CollectDue(due)); // retry interval not elapsed

        generator.OnReceived(0);
        generator.OnReceived(0); // duplicate is harmless
        Assert.Equal(3, generator.MissingCount);
        time.Advance(TimeSpan.FromMilliseconds(20));
        var rtcp = new byte[64];
        int length = generator.WriteNack(rtcp);
        Assert.True(GenericNack.TryRead(rtcp.AsSpan(0, length), out GenericNack nack));
        Assert.Equal(2u, nack.MediaSsrc);
        Span<ushort> lost = stackalloc ushort[17];
        int n = nack.CopyLost(lost);
        Assert.Equal(new ushort[] { 65535, 3, 4 }, lost[..n].ToArray());
        Assert.Equal(1, generator.RecoveredCount);
    }

    [Fact]
    public void Generator_gives_up_after_retry_limit_and_max_age()
    {
        var time = new FakeTime();
        var generator = new NackGenerator(1, 2, new NackGeneratorOptions { MaxRetries = 3, RetryInterval = TimeSpan.FromMilliseconds(10), MaxAge = TimeSpan.FromSeconds(1) }, time);
        generator.OnReceived(10);
        generator.OnReceived(12);
        Span<ushort> due = stackalloc ushort[8];
        int nacks = 0;
        for (int i = 0; i < 10; i++)
        {
            nacks += generator.CollectDue(due);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(3, nacks);
        Assert.Equal(1, generator.GivenUpCount);
        Assert.Equal(0, generator.MissingCount);

        generator.OnReceived(20); // 13..19 missing
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, generator.CollectDue(due));
        Assert.Equal(8, generator.GivenUpCount);
    }

    [Fact]
    public void Generator_window_is_bounded()
    {
        var time = new FakeTime();
        var generator = new NackGenerator(1, 2, new NackGeneratorOptions { WindowSize = 64 }, time);
        generator.OnReceived(0);
        generator.OnReceived(40); // 39 missing
        Assert.Equal(39, generator.MissingCount);
        generator.OnReceived(100); // 59 more gaps; the oldest fall out of the 64-slot window
        Assert.True(generator.MissingCount <= 63);
        generator.OnReceived(5000); // jump beyond the window resets tracking
        Assert.Equal(0, generator.MissingCount);
        Span<ushort> due = stackalloc ushort[64];
        Assert.Equal(0, generator.CollectDue(due));
    }
}
