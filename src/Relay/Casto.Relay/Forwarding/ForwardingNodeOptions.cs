using System.Net;
using Casto.WebRtc.Ice;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Relay.Forwarding;

/// <summary>Settings of a <see cref="ForwardingNode"/>: its limits, its peer connections' addresses and the per-stream forwarding.</summary>
public sealed class ForwardingNodeOptions
{
    /// <summary>Per-stream forwarding limits (history, key frame request interval, subscribers per stream).</summary>
    public ForwardingOptions Forwarding { get; set; } = new();

    /// <summary>Streams at most (each has one publisher). Default 64.</summary>
    public int MaxStreams { get; set; } = 64;

    /// <summary>Subscriber sessions at most over all streams, connecting or connected. Default 2000.</summary>
    public int MaxSubscribers { get; set; } = 2000;

    /// <summary>Sessions still connecting (ICE + DTLS handshakes) at most; more are refused until some finish. Default 128.</summary>
    public int MaxPendingSessions { get; set; } = 128;

    /// <summary>How long a session may take to connect before it is dropped. Default 20 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Addresses of the host candidates in our answers. Default 127.0.0.1.</summary>
    public IReadOnlyList<IPAddress> LocalAddresses { get; set; } = [IPAddress.Loopback];

    /// <summary>One UDP socket for every session (operators open one port); <see cref="LocalAddresses"/> is then unused. Default none.</summary>
    public IceUdpMux? UdpMux { get; set; }

    /// <summary>STUN/TURN servers for server-reflexive and relayed candidates. Default none.</summary>
    public IReadOnlyList<IceServer> IceServers { get; set; } = [];

    /// <summary>A publisher's media silent for this long makes it disconnected (children keep waiting for it). Default 300 ms.</summary>
    public TimeSpan PublisherMediaTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Clock and timers of every session. Default null: the node runs one <see cref="Casto.WebRtc.Timers.CoalescingTimeProvider"/>
    /// (10 ms resolution), so its sessions' ICE, RTCP and liveness timers share one system timer.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Logging for the node and its connections. Default none.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Forwarding);
        Forwarding.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreams, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSubscribers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingSessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(LocalAddresses);
        ArgumentNullException.ThrowIfNull(IceServers);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
    }
}
