using Casto.Relay.Tree;
using Casto.Relay.Tree.Wire;
using Casto.Testing;

namespace Casto.Relay.Tests.Tree;

/// <summary>The round trip of a tree link from stamped and echoed heartbeats (each side on its own clock).</summary>
public sealed class HeartbeatClockTests
{
    [Fact]
    public void RoundTripIsNowMinusEchoMinusTheOtherSidesHoldOnTwoUnrelatedClocks()
    {
        var (timeA, timeB) = (new ManualTimeProvider(), new ManualTimeProvider());
        timeA.Advance(TimeSpan.FromSeconds(5));
        timeB.Advance(TimeSpan.FromSeconds(987.654321)); // unrelated origins
        var (a, b) = (new HeartbeatClock(timeA), new HeartbeatClock(timeB));
        Assert.Null(a.Rtt);

        Heartbeat first = a.Stamp(new Heartbeat());
        Assert.False(first.HasEchoUs); // nothing heard yet
        Pass(timeA, timeB, 20);
        b.Heard(first);
        Assert.Null(b.Rtt); // no echo in it
        Pass(timeA, timeB, 30); // b holds it 30 ms
        Heartbeat reply = b.Stamp(new Heartbeat());
        Assert.Equal(30_000u, reply.EchoDelayUs);
        Pass(timeA, timeB, 20);
        a.Heard(reply);
        Assert.Equal(TimeSpan.FromMilliseconds(40), a.Rtt);

        // b learns its round trip from a's next heartbeat, which echoes b's stamp
        Pass(timeA, timeB, 10);
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
        var time = new ManualTimeProvider();
        time.Advance(TimeSpan.FromSeconds(10));
        var clock = new HeartbeatClock(time);
        clock.Heard(new Heartbeat { SentUs = 1, EchoUs = 20_000_000, EchoDelayUs = 0 }); // after now
        clock.Heard(new Heartbeat { SentUs = 1, EchoUs = 1, EchoDelayUs = 0 }); // 10 s ago: fine
        Assert.Equal(TimeSpan.FromSeconds(10) - TimeSpan.FromMicroseconds(1), clock.Rtt);

        var fresh = new HeartbeatClock(time);
        time.Advance(TimeSpan.FromSeconds(90)); // now 100 s
        fresh.Heard(new Heartbeat { SentUs = 1, EchoUs = 1, EchoDelayUs = 0 }); // 100 s: not an echo of ours
        Assert.Null(fresh.Rtt);
        fresh.Heard(new Heartbeat { SentUs = 1, EchoUs = ulong.MaxValue, EchoDelayUs = uint.MaxValue }); // garbage
        Assert.Null(fresh.Rtt);
    }

    /// <summary><paramref name="ms"/> pass (a message's way, or a hold): both clocks move on.</summary>
    private static void Pass(ManualTimeProvider a, ManualTimeProvider b, double ms)
    {
        a.Advance(TimeSpan.FromMilliseconds(ms));
        b.Advance(TimeSpan.FromMilliseconds(ms));
    }
}
