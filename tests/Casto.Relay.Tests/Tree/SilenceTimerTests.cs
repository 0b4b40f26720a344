using Casto.Relay.Tree;
using Casto.Testing;

namespace Casto.Relay.Tests.Tree;

/// <summary>One silence timer per control stream: each read re-arms it; it fires only after a whole limit without a read.</summary>
public sealed class SilenceTimerTests
{
    [Fact]
    public void Each_restart_gives_a_whole_limit_and_only_a_silence_that_long_times_out()
    {
        var time = new ManualTimeProvider();
        using var silence = new SilenceTimer(TimeSpan.FromSeconds(1), time, CancellationToken.None);
        for (int i = 0; i < 5; i++)
        {
            silence.Restart(); // a message every 900 ms: never silent for a whole second
            time.Advance(TimeSpan.FromMilliseconds(900));
            Assert.False(silence.Token.IsCancellationRequested);
        }

        silence.Restart();
        time.Advance(TimeSpan.FromMilliseconds(1001));
        Assert.True(silence.Token.IsCancellationRequested);
        Assert.True(silence.TimedOut);
    }

    [Fact]
    public void The_streams_own_end_cancels_the_token_but_is_no_time_out()
    {
        var time = new ManualTimeProvider();
        using var end = new CancellationTokenSource();
        using var silence = new SilenceTimer(TimeSpan.FromSeconds(1), time, end.Token);
        silence.Restart();

        end.Cancel();

        Assert.True(silence.Token.IsCancellationRequested);
        Assert.False(silence.TimedOut);
    }
}
