using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Tests.Forwarding;

/// <summary>Sender reports through a forwarding node carry the publisher's clock, not the node's.</summary>
public sealed class SenderClockTests
{
    /// <summary>The system clock shifted: what a publisher with another wall clock (or far upstream) reports.</summary>
    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    [Fact]
    public async Task A_subscriber_maps_rtp_times_to_the_publishers_wall_clock()
    {
        await using var relay = await RelayHarness.StartAsync();
        var publisher = await relay.PublishAsync("live", time: new ShiftedClock(TimeSpan.FromSeconds(30)));
        var subscriber = await relay.SubscribeAsync("live", waitJoined: false);
        var clip = await MediaSources.LoadDefaultVp8Async();
        using var stop = new CancellationTokenSource();
        var sending = RtcClipSender.SendAsync(publisher, clip, loop: true, cancellationToken: stop.Token);
        try
        {
            await RelayHarness.WaitUntilAsync(() => subscriber.Count > 0, TimeSpan.FromSeconds(10));

            // The node hears the publisher's reports; its reports to the subscriber carry that clock. So the subscriber
            // places the packet it just received at the publisher's wall clock (30 s ahead of ours), not at ours.
            // Without the pass-through it would say "now" (the node's send time).
            double ahead = 0;
            await RelayHarness.WaitUntilAsync(() =>
            {
                if (subscriber.Connection.GetRemoteSenderClock(subscriber.Ssrc ?? 0) is not { } m || subscriber.LastTimestamp is not { } last)
                {
                    return false;
                }

                ahead = (m.WallClockOf(last, 90_000) - DateTimeOffset.UtcNow).TotalSeconds;
                return Math.Abs(ahead - 30) < 1;
            }, TimeSpan.FromSeconds(10));
            Assert.InRange(ahead, 29, 31);
        }
        finally
        {
            await stop.CancelAsync();
            await sending.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
