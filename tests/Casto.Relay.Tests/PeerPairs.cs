using Casto.Testing;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Tests;

/// <summary>
/// Builds the connections of a forwarding node by hand (no HTTP): a publisher and the node's receiving side, the
/// node's sending side of a child and its viewer, negotiated in-process, directly or through a <see cref="LossyUdpProxy"/>.
/// </summary>
internal static class PeerPairs
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A publisher of VP8 (no audio) with its own retransmission history.</summary>
    public static RtcPeerConnectionOptions Publisher() => new() { Direction = SdpDirection.SendOnly, Audio = false, ReceiveQueueCapacity = 0 };

    /// <summary>The node's side of a publisher, as <see cref="Casto.Relay.Forwarding.ForwardingNode"/> makes it.</summary>
    public static RtcPeerConnectionOptions NodeSource() => new()
    {
        Direction = SdpDirection.RecvOnly, Audio = false, ReceiveQueueCapacity = 0, RetransmissionHistorySize = 0,
    };

    /// <summary>The node's side of a child: no history of its own (NACKs go to the stream), no receive queue.</summary>
    public static RtcPeerConnectionOptions NodeChild() => new()
    {
        Direction = SdpDirection.SendOnly, Audio = false, ReceiveQueueCapacity = 0, RetransmissionHistorySize = 0,
        MediaTimeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>A viewer that receives through <see cref="RtcPeerConnection.RtpReceived"/> only.</summary>
    public static RtcPeerConnectionOptions Viewer(TimeSpan? mediaTimeout = null) => new()
    {
        Direction = SdpDirection.RecvOnly, Audio = false, ReceiveQueueCapacity = 0,
        MediaTimeout = mediaTimeout ?? TimeSpan.FromMilliseconds(300),
    };

    /// <summary>
    /// Offer/answer between <paramref name="offerer"/> and <paramref name="answerer"/>, then waits until both are
    /// connected. With <paramref name="proxy"/> every datagram goes through it: the offerer is its side A.
    /// </summary>
    public static async Task ConnectAsync(RtcPeerConnection offerer, RtcPeerConnection answerer, LossyUdpProxy? proxy = null)
    {
        string offer = await offerer.CreateOfferAsync();
        offerer.SetLocalDescription(RtcSdpType.Offer, offer);
        answerer.SetRemoteDescription(RtcSdpType.Offer, proxy is null ? offer : LoopbackSdp.PointAt(offer, proxy.EndpointForB));
        string answer = await answerer.CreateAnswerAsync();
        proxy?.Start(LoopbackSdp.CandidateOf(offer), LoopbackSdp.CandidateOf(answer));
        answerer.SetLocalDescription(RtcSdpType.Answer, answer);
        offerer.SetRemoteDescription(RtcSdpType.Answer, proxy is null ? answer : LoopbackSdp.PointAt(answer, proxy.EndpointForA));
        await Task.WhenAll(offerer.WaitConnectedAsync(), answerer.WaitConnectedAsync()).WaitAsync(Timeout);
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeout.TotalSeconds:F1} s: {what()}");
            await Task.Delay(20);
        }
    }
}

/// <summary>The RTP headers seen on one connection's <see cref="RtcPeerConnection.RtpReceived"/>, in arrival order (duplicates too).</summary>
internal sealed class RtpLog
{
    private readonly List<(ushort Sequence, uint Timestamp, uint Ssrc, bool Marker)> _packets = [];
    private readonly HashSet<ushort> _distinct = [];

    public RtpLog(RtcPeerConnection connection) => connection.RtpReceived += OnRtp;

    public int Count
    {
        get
        {
            lock (_packets)
            {
                return _packets.Count;
            }
        }
    }

    public int DistinctCount
    {
        get
        {
            lock (_packets)
            {
                return _distinct.Count;
            }
        }
    }

    public List<(ushort Sequence, uint Timestamp, uint Ssrc, bool Marker)> Snapshot()
    {
        lock (_packets)
        {
            return [.. _packets];
        }
    }

    public bool Contains(ushort sequence)
    {
        lock (_packets)
        {
            return _distinct.Contains(sequence);
        }
    }

    private void OnRtp(RtcPeerConnection connection, ReadOnlySpan<byte> packet)
    {
        if (RtpPacket.TryRead(packet, out RtpHeader header, out _))
        {
            lock (_packets)
            {
                _packets.Add((header.SequenceNumber, header.Timestamp, header.Ssrc, header.Marker));
                _distinct.Add(header.SequenceNumber);
            }
        }
    }
}
