using System.Diagnostics;
using System.Globalization;
using Casto.Testing;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>
/// The lossy run shared by the RTCP tests and the bench's loss sweep (linked into bench/Casto.Benchmarks): the default
/// VP8 clip, looped and lightly paced, from a sendonly to a recvonly connection whose candidates point at a
/// <see cref="LossyUdpProxy"/> on 127.0.0.1.
/// </summary>
internal static class LossyPeerRun
{
    internal sealed record LossyResult(double Loss, int Sent, int Unique, TimeSpan Duration, long ProxyDropped, bool KeyFrameRequested, RtcpStats Sender, RtcpStats Receiver)
    {
        public double Delivered => Sent == 0 ? 0 : (double)Unique / Sent;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"loss {Loss:P0} each way: {Unique}/{Sent} unique media packets delivered ({Delivered:P2}) in {Duration.TotalSeconds:F1} s; " +
            $"proxy dropped {ProxyDropped}; receiver: NACKs {Receiver.NacksSent} asking {Receiver.NackedPacketsRequested}, given up {Receiver.NackGivenUp}, " +
            $"lost {Receiver.PacketsLost}, jitter {Receiver.Jitter * 1000:F2} ms; sender: NACKs {Sender.NacksReceived}, retransmitted {Sender.RetransmittedPackets}, " +
            $"missed {Sender.RetransmissionsMissed}, remote fraction lost {Sender.RemoteFractionLost:P1}, RTT {Sender.RoundTripTime?.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture) ?? "n/a"} ms; " +
            $"PLI answered {KeyFrameRequested}");
    }

    /// <summary>One run at <paramref name="loss"/> each way; <paramref name="timeout"/> bounds connecting and draining.</summary>
    public static async Task<LossyResult> RunAsync(double loss, LossyUdpProxyDrop drop, int packets, TimeSpan timeout)
    {
        await using var sender = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly });
        await using var receiver = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, ReceiveQueueCapacity = 8192 });
        await using var proxy = new LossyUdpProxy(new LossyUdpProxyOptions { DropRateAToB = loss, DropRateBToA = loss, Drop = drop, Seed = 42 });

        string offer = await sender.CreateOfferAsync();
        sender.SetLocalDescription(RtcSdpType.Offer, offer);
        receiver.SetRemoteDescription(RtcSdpType.Offer, LoopbackSdp.PointAt(offer, proxy.EndpointForB));
        string answer = await receiver.CreateAnswerAsync();
        proxy.Start(LoopbackSdp.CandidateOf(offer), LoopbackSdp.CandidateOf(answer));
        receiver.SetLocalDescription(RtcSdpType.Answer, answer);
        sender.SetRemoteDescription(RtcSdpType.Answer, LoopbackSdp.PointAt(answer, proxy.EndpointForA));
        await Task.WhenAll(sender.WaitConnectedAsync(), receiver.WaitConnectedAsync()).WaitAsync(timeout);

        var unique = new HashSet<ushort>();
        long lastArrival = Environment.TickCount64;
        using var stop = new CancellationTokenSource();
        var receive = Task.Run(async () =>
        {
            try
            {
                await foreach (var packet in receiver.ReadAllRtpAsync(stop.Token))
                {
                    if (RtpPacket.TryRead(packet.Span, out RtpHeader header, out _))
                    {
                        lock (unique)
                        {
                            unique.Add(header.SequenceNumber);
                        }

                        Volatile.Write(ref lastArrival, Environment.TickCount64);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var keyFrame = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.KeyFrameRequested += (_, _) => keyFrame.TrySetResult();
        var clip = await MediaSources.LoadDefaultVp8Async();
        var started = Stopwatch.StartNew();
        int sent = await SendClipAsync(sender, clip, packets);

        // Until everything arrived or nothing new came for 1.5 s (NACKs give up after 1 s).
        using (var deadline = new CancellationTokenSource(timeout))
        {
            while (true)
            {
                int count;
                lock (unique)
                {
                    count = unique.Count;
                }

                if (count >= sent || Environment.TickCount64 - Volatile.Read(ref lastArrival) > 1500)
                {
                    break;
                }

                await Task.Delay(50, deadline.Token);
            }
        }

        var duration = started.Elapsed;
        for (int i = 0; i < 10 && !keyFrame.Task.IsCompleted; i++)
        {
            await receiver.RequestKeyFrameAsync(); // the PLI itself may be dropped by the proxy
            await Task.WhenAny(keyFrame.Task, Task.Delay(200));
        }

        await stop.CancelAsync();
        await receive;
        int delivered;
        lock (unique)
        {
            delivered = unique.Count;
        }

        return new LossyResult(loss, sent, delivered, duration, proxy.DroppedAToB + proxy.DroppedBToA, keyFrame.Task.IsCompleted, sender.GetStats(), receiver.GetStats());
    }

    /// <summary>Sends the clip (looped, two frames per ~1 ms timer tick) until <paramref name="packets"/> packets are out; sequence numbers stay below 65536.</summary>
    private static async Task<int> SendClipAsync(RtcPeerConnection sender, MediaClip clip, int packets)
    {
        ushort seq = 1;
        uint timestamp = 3000;
        int sent = 0;
        var bounds = new List<(int Offset, int Length)>();
        byte[] buffer = [];
        for (int frameIndex = 0; sent < packets; frameIndex++)
        {
            var header = new RtpHeader { PayloadType = (byte)sender.VideoPayloadType, Timestamp = timestamp, Ssrc = sender.Ssrc };
            buffer = RtcClipSender.Packetize(clip[frameIndex % clip.Count].Data.Span, frameIndex & 0x7FFF, header, ref seq, buffer, bounds);
            foreach (var (offset, length) in bounds)
            {
                if (sent == packets)
                {
                    break;
                }

                await sender.SendRtpAsync(buffer.AsMemory(offset, length));
                sent++;
            }

            timestamp += 3000;
            if (frameIndex % 2 == 1)
            {
                await Task.Delay(1);
            }
        }

        return sent;
    }
}
