using Casto.WebRtc.PeerConnection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Relay.Forwarding;

/// <summary>Limits of the forwarding of one stream (and every stream of a <see cref="ForwardingNode"/>).</summary>
public sealed class ForwardingOptions
{
    /// <summary>
    /// Packets kept per track to answer NACKs and to start late joiners on the current key frame (a power of two,
    /// 64–32768; 1,500 bytes each, shared by every child). Should hold a whole group of pictures: 1024 (default) is
    /// 3.8 s at 2.5 Mbit/s video. With a longer group a joiner waits for the next key frame (and one is requested).
    /// </summary>
    public int HistorySize { get; set; } = 1024;

    /// <summary>Largest RTP packet forwarded; bigger ones are dropped and counted. Default 1484 (<see cref="RtcPeerConnection.MaxRtpPacketSize"/>).</summary>
    public int MaxPacketSize { get; set; } = RtcPeerConnection.MaxRtpPacketSize;

    /// <summary>Key frame requests (PLI) sent upstream at most once per this interval, however many children ask. Default 500 ms.</summary>
    public TimeSpan KeyFrameRequestInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Packets sent to a joining child at once from the cached key frame. Default 64.</summary>
    public int JoinBurst { get; set; } = 64;

    /// <summary>Cached packets sent to a child still catching up with each new upstream packet (so it reaches live at several times real time). Default 8.</summary>
    public int CatchUpBurst { get; set; } = 8;

    /// <summary>Children per stream at most; more are refused. Default 1000.</summary>
    public int MaxSubscribers { get; set; } = 1000;

    /// <summary>
    /// Children's copies of one upstream packet gathered per system call (<see cref="RtcSendBatch"/>: one
    /// <c>sendmmsg(2)</c> on Linux for children on the node's UDP mux); 0 sends each at once. 1–1024, default 64.
    /// </summary>
    public int SendBatchSize { get; set; } = 64;

    /// <summary>Clock of the key frame rate limit and of timestamp rebasing. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logs joins, leaves and source changes. Default none.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (HistorySize is < 64 or > 32768 || (HistorySize & (HistorySize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(HistorySize), HistorySize, "Must be a power of two between 64 and 32768.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPacketSize, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPacketSize, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(KeyFrameRequestInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(JoinBurst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(CatchUpBurst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSubscribers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SendBatchSize, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SendBatchSize, 1024);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
    }
}
