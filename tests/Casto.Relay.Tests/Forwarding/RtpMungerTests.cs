using FsCheck;
using FsCheck.Fluent;
using Casto.Relay.Forwarding;

namespace Casto.Relay.Tests.Forwarding;

public sealed class RtpMungerTests
{
    private const long Frequency = 1_000_000; // timestamps in microseconds

    [Fact]
    public void FirstSourceIsPassedThroughUnchanged()
    {
        var munger = new RtpMunger(ssrc: 0xAABBCCDD, payloadType: 96);
        munger.BeforeSend(65530, 1000, now: 0, Frequency, 90_000);
        Assert.Equal(0, munger.Rewrite.SequenceOffset);
        Assert.Equal(0u, munger.Rewrite.TimestampOffset);
        Assert.Equal(0xAABBCCDDu, munger.Rewrite.Ssrc);
        Assert.Equal(65530, munger.FirstUpstreamSequence);
    }

    [Fact]
    public void NewSourceContinuesTheChildsNumbering()
    {
        var munger = new RtpMunger(1, 96);
        for (ushort seq = 100; seq < 110; seq++)
        {
            munger.BeforeSend(seq, 5000 + (uint)(seq - 100) * 3000, now: 0, Frequency, 90_000);
            munger.AfterSend(seq, 5000 + (uint)(seq - 100) * 3000, now: 0);
        }

        munger.OnSourceChanged();
        // The new source numbers from 40000 and timestamp 7; 100 ms of wall time pass.
        munger.BeforeSend(40000, 7, now: 100_000, Frequency, 90_000);
        ushort childSeq = (ushort)(40000 + munger.Rewrite.SequenceOffset);
        uint childTs = 7 + munger.Rewrite.TimestampOffset;
        Assert.Equal(110, childSeq); // last child sequence 109, + 1
        Assert.Equal(5000u + (9 * 3000) + 9000, childTs); // last timestamp + 100 ms at 90 kHz
        munger.AfterSend(40000, 7, 100_000);

        Assert.True(munger.TryMapNack(110, out ushort upstream));
        Assert.Equal(40000, upstream);
        Assert.False(munger.TryMapNack(109, out _)); // before the new source's first packet
    }

    [Fact]
    public void NacksBeforeTheChildsFirstPacketAreRefused()
    {
        var munger = new RtpMunger(1, 96);
        Assert.False(munger.TryMapNack(5, out _)); // nothing sent yet
        munger.BeforeSend(10, 0, 0, Frequency, 90_000);
        Assert.False(munger.TryMapNack(9, out _));
        Assert.True(munger.TryMapNack(10, out _));
        Assert.False(munger.TryMapNack(11, out _)); // never sent to the child: nothing it can miss
    }

    [Fact]
    public void ContinuityHoldsAcrossAnySourceChange()
    {
        Prop.ForAll<ushort, ushort, (uint, uint)>((lastSeq, newSeq, ts) =>
        {
            var (lastTs, newTs) = ts;
            var munger = new RtpMunger(1, 96);
            munger.BeforeSend(lastSeq, lastTs, 0, Frequency, 90_000);
            munger.AfterSend(lastSeq, lastTs, 0);
            munger.OnSourceChanged();
            munger.BeforeSend(newSeq, newTs, 20_000, Frequency, 90_000);
            return (ushort)(newSeq + munger.Rewrite.SequenceOffset) == (ushort)(lastSeq + 1)
                && newTs + munger.Rewrite.TimestampOffset == lastTs + 1800;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void LongStreamsKeepForwardingAndAnsweringNacksAcrossManyWraps()
    {
        var munger = new RtpMunger(1, 96);
        ushort seq = 100;
        for (int i = 0; i < 200_000; i++, seq++)
        {
            Assert.False(munger.IsBeforeStart(seq), $"packet {i} (seq {seq}) taken for one before the start");
            munger.BeforeSend(seq, (uint)i * 3000, 0, Frequency, 90_000);
            munger.AfterSend(seq, (uint)i * 3000, 0);
        }

        Assert.True(munger.TryMapNack((ushort)(seq - 5), out _)); // a recent loss, 200k packets in
        Assert.False(munger.IsBeforeStart((ushort)(seq - 1000))); // a late packet long after the start

        var young = new RtpMunger(1, 96);
        young.BeforeSend(5000, 0, 0, Frequency, 90_000);
        young.BeforeSend(5010, 0, 0, Frequency, 90_000);
        Assert.True(young.IsBeforeStart(4999));
        Assert.False(young.IsBeforeStart(5003));
    }
}
