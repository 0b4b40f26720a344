using System.Diagnostics;
using Casto.WebRtc.PeerConnection;
using Xunit.Abstractions;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>
/// Peer loss seen from the media: a receiver whose sender stops (without closing) becomes disconnected after
/// <see cref="RtcPeerConnectionOptions.MediaTimeout"/> (300 ms, checked every 20 ms), connected again on the next
/// packet; an infinite timeout never disconnects; closing the sender raises <see cref="RtcPeerConnection.ByeReceived"/>.
/// </summary>
public sealed class MediaTimeoutTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task ReceiverIsDisconnectedSoonAfterMediaStopsAndConnectedWhenItResumes()
    {
        var sends = new List<long>();
        var disconnects = new List<long>();
        var reconnects = new List<long>();
        await using var pair = await ConnectedPair.StartAsync(new RtcPeerConnectionOptions { ReceiveQueueCapacity = 0 });
        Assert.Null(pair.Receiver.TimeSinceLastRtp);
        pair.Receiver.ConnectionStateChanged += (_, state) =>
        {
            lock (disconnects)
            {
                (state == RtcPeerConnectionState.Disconnected ? disconnects : reconnects).Add(Stopwatch.GetTimestamp());
            }
        };
        long LastDisconnect()
        {
            lock (disconnects)
            {
                return disconnects.Count == 0 ? 0 : disconnects[^1];
            }
        }

        ushort seq = 1;
        var sending = Stopwatch.StartNew();
        while (sending.Elapsed < TimeSpan.FromMilliseconds(600))
        {
            sends.Add(Stopwatch.GetTimestamp()); // before the send: the receiver may stamp its arrival before TrySendRtp returns
            Assert.True(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, seq++)), "sent while connected");
            await Task.Delay(Period);
        }

        long lastSent = sends[^1];
        await ConnectedPair.WaitUntilAsync(() => LastDisconnect() > lastSent, ConnectedPair.Timeout, () => "waiting for disconnected");
        var afterLast = Stopwatch.GetElapsedTime(lastSent, LastDisconnect());
        output.WriteLine($"disconnected {afterLast.TotalMilliseconds:F1} ms after the last packet was sent");
        // Never sooner than the timeout (that is the contract); how much later depends on the machine's load (a CI
        // runner once took 858 ms), so the upper bound only catches a check that does not run at all.
        Assert.True(afterLast >= TimeSpan.FromMilliseconds(299) && afterLast <= TimeSpan.FromSeconds(3),
            $"disconnected {afterLast.TotalMilliseconds:F0} ms after the last packet was sent (timeout 300 ms, checked every 20 ms)");
        lock (disconnects)
        {
            foreach (long d in disconnects) // a stalled test machine may pause the sender for 300 ms; never disconnect sooner
            {
                var gap = Stopwatch.GetElapsedTime(sends.Last(s => s < d), d);
                Assert.True(gap >= TimeSpan.FromMilliseconds(299), $"disconnected {gap.TotalMilliseconds:F0} ms after a packet was sent");
            }
        }

        Assert.Equal(RtcPeerConnectionState.Disconnected, pair.Receiver.ConnectionState);
        TimeSpan? since = pair.Receiver.TimeSinceLastRtp;
        TimeSpan sinceSent = Stopwatch.GetElapsedTime(lastSent);
        Assert.True(since >= TimeSpan.FromMilliseconds(300) && since <= sinceSent,
            $"TimeSinceLastRtp {since?.TotalMilliseconds:F0} ms once disconnected; the last packet was sent {sinceSent.TotalMilliseconds:F0} ms ago");
        Assert.Equal(seq - 1, pair.Receiver.GetStats().PacketsReceived);
        Assert.Equal(RtcPeerConnectionState.Connected, pair.Sender.ConnectionState); // it receives no media: nothing to time out

        long resumed = Stopwatch.GetTimestamp();
        Assert.True(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, seq++)));
        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.ConnectionState == RtcPeerConnectionState.Connected, ConnectedPair.Timeout, () => $"receiver is {pair.Receiver.ConnectionState} after media resumed");
        lock (disconnects)
        {
            Assert.Contains(reconnects, r => r > resumed);
        }

        since = pair.Receiver.TimeSinceLastRtp;
        TimeSpan sinceResumed = Stopwatch.GetElapsedTime(resumed);
        Assert.True(since <= sinceResumed, $"TimeSinceLastRtp {since?.TotalMilliseconds:F0} ms right after the packet that reconnected, sent {sinceResumed.TotalMilliseconds:F0} ms ago");
    }

    [Fact]
    public async Task InfiniteMediaTimeoutStaysConnectedWhenMediaStops()
    {
        var states = new List<RtcPeerConnectionState>();
        await using var pair = await ConnectedPair.StartAsync(new RtcPeerConnectionOptions { ReceiveQueueCapacity = 0, MediaTimeout = Timeout.InfiniteTimeSpan });
        pair.Receiver.ConnectionStateChanged += (_, s) =>
        {
            lock (states)
            {
                states.Add(s);
            }
        };
        for (ushort seq = 1; seq <= 10; seq++)
        {
            Assert.True(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, seq)));
            await Task.Delay(Period);
        }

        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.GetStats().PacketsReceived == 10, ConnectedPair.Timeout, () => $"received {pair.Receiver.GetStats().PacketsReceived} of 10");
        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.TimeSinceLastRtp > TimeSpan.FromMilliseconds(900), ConnectedPair.Timeout, () => "time passes");

        Assert.Equal(RtcPeerConnectionState.Connected, pair.Receiver.ConnectionState);
        lock (states)
        {
            Assert.Empty(states);
        }
    }

    [Fact]
    public async Task ClosingTheSenderRaisesByeWithItsSsrc()
    {
        var bye = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pair = await ConnectedPair.StartAsync(new RtcPeerConnectionOptions { ReceiveQueueCapacity = 0 });
        pair.Receiver.ByeReceived += (_, ssrc) => bye.TrySetResult(ssrc);
        for (ushort seq = 1; seq <= 5; seq++)
        {
            Assert.True(pair.Sender.TrySendRtp(ConnectedPair.Rtp(pair.Sender, seq)));
        }

        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.GetStats().PacketsReceived == 5, ConnectedPair.Timeout, () => $"received {pair.Receiver.GetStats().PacketsReceived} of 5");
        Assert.False(bye.Task.IsCompleted, "no BYE before close");

        await pair.Sender.CloseAsync();
        Assert.Equal(pair.Sender.Ssrc, await bye.Task.WaitAsync(ConnectedPair.Timeout));
        await ConnectedPair.WaitUntilAsync(() => pair.Receiver.ConnectionState == RtcPeerConnectionState.Closed, ConnectedPair.Timeout, () => $"receiver is {pair.Receiver.ConnectionState}");
        Assert.Equal(1, pair.Receiver.GetStats().ByesReceived);
    }
}
