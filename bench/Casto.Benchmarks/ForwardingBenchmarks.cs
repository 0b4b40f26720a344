using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Casto.Relay.Forwarding;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.Benchmarks;

/// <summary>
/// The forwarding hot path: one upstream VP8 packet (1,200 bytes) stored in the shared history and sent to N connected
/// children (rewrite, SRTP protect, one sendto each) over loopback, to receivers in this process. The target is 0 B
/// allocated per forwarded packet; time per operation / N is the cost per child per packet (receivers' decrypt included).
/// </summary>
[MemoryDiagnoser]
public class ForwardingBenchmarks
{
    private readonly byte[] _packet = new byte[1200];
    private readonly List<RtcPeerConnection> _connections = [];
    private ForwardingTrack _track = null!;
    private ushort _sequence;
    private uint _timestamp;

    [Params(1, 10)]
    public int Children { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var options = new ForwardingOptions();
        _track = new ForwardingTrack(RtcCodec.Vp8, 90_000, options, static () => { });
        for (int i = 0; i < Children; i++)
        {
            var child = new RtcPeerConnection(new RtcPeerConnectionOptions
            {
                Direction = SdpDirection.SendOnly, Audio = false, ReceiveQueueCapacity = 0, RetransmissionHistorySize = 0,
            });
            var viewer = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, Audio = false, ReceiveQueueCapacity = 0 });
            _connections.Add(child);
            _connections.Add(viewer);
            string offer = await viewer.CreateOfferAsync();
            viewer.SetLocalDescription(RtcSdpType.Offer, offer);
            child.SetRemoteDescription(RtcSdpType.Offer, offer);
            string answer = await child.CreateAnswerAsync();
            child.SetLocalDescription(RtcSdpType.Answer, answer);
            viewer.SetRemoteDescription(RtcSdpType.Answer, answer);
            await Task.WhenAll(child.WaitConnectedAsync(), viewer.WaitConnectedAsync());
            _track.TryAdd(child, child.Ssrc, child.VideoPayloadType);
        }

        // A VP8 key frame start first, so every child goes live; then delta packets.
        var header = new RtpHeader { PayloadType = 96, SequenceNumber = 1000, Timestamp = 0, Ssrc = 0x1234, Marker = true };
        byte[] payload = new byte[1200 - header.GetSize()];
        payload[0] = 0x10; // S=1, PID=0
        payload[1] = 0x00; // P=0: key frame
        RtpPacket.Write(header, payload, _packet);
        _sequence = 1000;
        _track.OnPacket(_packet);
        _packet[header.GetSize() + 1] = 0x01; // later packets: delta frames
    }

    [Benchmark]
    public void ForwardOnePacket()
    {
        _sequence++;
        _timestamp += 3000;
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), _sequence);
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(4), _timestamp);
        _track.OnPacket(_packet);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var stats = _track.GetStats();
        Console.WriteLine($"// forwarding: children {stats.Subscribers}, in {stats.PacketsIn}, out {stats.PacketsOut}, drops {stats.SendDrops}, duplicates {stats.Duplicates}");
        foreach (var c in _connections)
        {
            c.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _track.Dispose();
    }
}
