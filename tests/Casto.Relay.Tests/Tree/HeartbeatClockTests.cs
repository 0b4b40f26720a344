using Casto.Relay.Tree;
using Casto.Relay.Tree.Wire;

namespace Casto.Relay.Tests.Tree;

/// <summary>The round trip of a tree link from stamped and echoed heartbeats (each side on its own clock).</summary>
public sealed class HeartbeatClockTests
{
    private sealed class ManualTime(long startMicros) : TimeProvider
    {
        public long Now { get; set; } = startMicros;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Now;

        public void Advance(double ms) => Now += (long)(ms * 1000);
    }

    [Fact]
    public void RoundTripIsNowMinusEchoMinusTheOtherSidesHoldOnTwoUnrelatedClocks()
    {
        var (timeA, timeB) = (new ManualTime(5_000_000), new ManualTime(987_654_321));
        var (a, b) = (new HeartbeatClock(timeA), new HeartbeatClock(timeB));
        Assert.Null(a.Rtt);

        Heartbeat first = a.Stamp(new Heartbeat());
        Assert.False(first.HasEchoUs); // nothing heard yet
        Pass(timeA, timeB, 20);
        b.Heard(first);
        Assert.Null(b.Rtt); // no echo in it
        timeA.Advance(30);
        timeB.Advance(30); // b holds it 30 ms
        Heartbeat reply = b.Stamp(new Heartbeat());
        Assert.Equal(30_000u, reply.EchoDelayUs);
        Pass(timeA, timeB, 20);
        a.Heard(reply);
        Assert.Equal(TimeSpan.FromMilliseconds(40), a.Rtt);

        // b learns its round trip from a's next heartbeat, which echoes b's stamp
        timeA.Advance(10);
        timeB.Advance(10);
        Heartbeat next = a.Stamp(new Heartbeat());
        Pass(timeA, timeB, 20);
        b.Heard(next);
        Assert.Equal(TimeSpan.FromMilliseconds(40), b.Rtt);

        // a slower sample (a's heartbeat was stamped 60 ms before b's immediate reply arrives) moves the estimate by
        // an eighth of the difference, as TCP's SRTT (RFC 6298)
        Heartbeat slow = b.Stamp(new Heartbeat());
        Assert.Equal(0u, slow.EchoDelayUs);
        Pass(timeA, timeB, 40);
        a.Heard(slow);
        Assert.Equal(TimeSpan.FromMilliseconds(42.5), a.Rtt);
    }

    [Fact]
    public void AnEchoFromTheFutureOrAbsurdlyOldIsIgnored()
    {
        var time = new ManualTime(10_000_000);
        var clock = new HeartbeatClock(time);
        clock.Heard(new Heartbeat { SentUs = 1, EchoUs = 20_000_000, EchoDelayUs = 0 }); // after now
        clock.Heard(new Heartbeat { SentUs = 1, EchoUs = 1, EchoDelayUs = 0 }); // 10 s ago: fine
        Assert.Equal(TimeSpan.FromSeconds(10) - TimeSpan.FromMicroseconds(1), clock.Rtt);

        var fresh = new HeartbeatClock(time);
        time.Now = 100_000_000;
        fresh.Heard(new Heartbeat { SentUs = 1, EchoUs = 1, EchoDelayUs = 0 }); // 100 s: not an echo of ours
        Assert.Null(fresh.Rtt);
        fresh.Heard(new Heartbeat { SentUs = 1, EchoUs = ulong.MaxValue, EchoDelayUs = uint.MaxValue }); // garbage
        Assert.Null(fresh.Rtt);
    }

    /// <summary>A message takes <paramref name="ms"/> one way: both clocks move on.</summary>
    private static void Pass(ManualTime a, ManualTime b, double ms)
    {
        a.Advance(ms);
        b.Advance(ms);
    }
}
