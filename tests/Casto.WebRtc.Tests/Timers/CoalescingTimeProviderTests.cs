using Casto.WebRtc.Timers;

namespace Casto.WebRtc.Tests.Timers;

public sealed class CoalescingTimeProviderTests
{
    [Fact]
    public void ManyTimersRunOnOneUnderlyingTimer()
    {
        var clock = new ManualTimeProvider();
        using var time = new CoalescingTimeProvider(TimeSpan.FromMilliseconds(10), clock);
        int fast = 0, slow = 0, once = 0;
        using var a = time.CreateTimer(_ => fast++, null, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));
        using var b = time.CreateTimer(_ => slow++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var c = time.CreateTimer(_ => once++, null, TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan);
        Assert.Equal(3, time.TimerCount);
        for (int i = 0; i < 100; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10)); // one second in ticks of the resolution
        }

        Assert.Equal(50, fast);
        Assert.Equal(1, slow);
        Assert.Equal(1, once);
    }

    [Fact]
    public void ChangeDisposeAndFaultsBehaveLikeATimer()
    {
        var clock = new ManualTimeProvider();
        using var time = new CoalescingTimeProvider(TimeSpan.FromMilliseconds(10), clock);
        int runs = 0;
        var timer = time.CreateTimer(_ => runs++, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        using var faulty = time.CreateTimer(_ => throw new InvalidOperationException("boom"), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(10));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, runs); // not armed
        Assert.True(timer.Change(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)));
        for (int i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(5, runs);
        Assert.True(time.CallbackFaults >= 5, "a throwing callback is counted and the others still run");
        timer.Dispose();
        Assert.False(timer.Change(TimeSpan.Zero, TimeSpan.Zero));
        clock.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(5, runs);
        Assert.Equal(1, time.TimerCount);
    }
}
