using System.Globalization;
using System.Runtime.InteropServices;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Echo;

/// <summary>One echo session: connect, then echo (or play the clip to a receive-only peer) until the peer leaves.</summary>
public sealed partial class WebRtcEchoServer
{
    private async Task RunSessionAsync(int number, RtcPeerConnection pc, CancellationToken cancellationToken)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lifetime.CancelAfter(_options.SessionLifetime);
        var stats = new SessionStats();
        string state = "closed";
        await using (pc.ConfigureAwait(false))
        {
            try
            {
                await pc.WaitConnectedAsync(lifetime.Token).ConfigureAwait(false);
                if (pc.RemoteDirection == SdpDirection.RecvOnly)
                {
                    var clip = await MediaSources.LoadDefaultVp8Async(lifetime.Token).ConfigureAwait(false);
                    stats.Sent = await RtcClipSender.SendAsync(pc, clip, loop: true, cancellationToken: lifetime.Token).ConfigureAwait(false);
                }
                else
                {
                    await EchoAsync(number, pc, stats, lifetime.Token).ConfigureAwait(false);
                }
            }
            catch (PeerConnectionException)
            {
                state = pc.ConnectionState == RtcPeerConnectionState.Failed ? "failed" : "closed";
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
                state = "failed";
            }
        }

        var video = stats.Video;
        _reports.Writer.TryWrite(new WebRtcEchoReport(
            number, state, stats.Received, stats.Sent, video.Frames, video.Keyframes, video.FirstIsKeyframe, video.TimestampsMonotonic, stats.File));
        video.Dispose();
    }

    private async Task EchoAsync(int number, RtcPeerConnection pc, SessionStats stats, CancellationToken cancellationToken)
    {
        bool echo = pc.RemoteDirection is null or SdpDirection.SendRecv;
        var keyFrames = new KeyFrameForwarder(pc);
        pc.KeyFrameRequested += keyFrames.OnRequested;
        IvfWriter? writer = null;
        try
        {
            if (_options.RecordDirectory is { } directory)
            {
                Directory.CreateDirectory(directory);
                stats.File = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"session-{number}.ivf"));
                var header = new IvfFileHeader { FourCc = IvfFileHeader.Vp8FourCc, Width = 0, Height = 0, TimebaseRate = 90000, TimebaseScale = 1 };
                writer = await IvfWriter.CreateAsync(File.Create(stats.File), header, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            uint? firstTimestamp = null;
            await foreach (var packet in pc.ReadAllRtpAsync(cancellationToken).ConfigureAwait(false))
            {
                stats.Received++;
                if (!RtpPacket.TryRead(packet.Span, out var header, out var payload))
                {
                    continue;
                }

                if (header.PayloadType == pc.VideoPayloadType)
                {
                    keyFrames.RemoteVideoSsrc = header.Ssrc;
                    if (stats.Video.TryAdd(header, payload, out var frame))
                    {
                        firstTimestamp ??= header.Timestamp;
                        if (writer is not null)
                        {
                            await writer.WriteFrameAsync(frame, unchecked(header.Timestamp - firstTimestamp.Value), cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                if (echo)
                {
                    var mutable = MemoryMarshal.AsMemory(packet); // each received packet is our own copy
                    RtpRewriter.SetSsrc(mutable.Span, RtpRewriter.GetPayloadType(mutable.Span) == pc.AudioPayloadType ? pc.AudioSsrc : pc.Ssrc);
                    await pc.SendRtpAsync(mutable, cancellationToken).ConfigureAwait(false);
                    stats.Sent++;
                }
            }
        }
        finally
        {
            pc.KeyFrameRequested -= keyFrames.OnRequested;
            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A viewer's PLI/FIR for the echoed video is passed on as a PLI to the sender of that video (what a relay does),
    /// at most one per <see cref="MinInterval"/>.
    /// </summary>
    private sealed class KeyFrameForwarder(RtcPeerConnection pc)
    {
        private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(300);
        private long _last;

        public uint RemoteVideoSsrc { get; set; }

        public void OnRequested(object? sender, KeyFrameRequest request)
        {
            long now = TimeProvider.System.GetTimestamp();
            long last = Interlocked.Read(ref _last);
            if (RemoteVideoSsrc == 0 || (last != 0 && TimeProvider.System.GetElapsedTime(last, now) < MinInterval)
                || Interlocked.CompareExchange(ref _last, now, last) != last)
            {
                return;
            }

            _ = ForwardAsync(RemoteVideoSsrc);
        }

        private async Task ForwardAsync(uint ssrc)
        {
            try
            {
                await pc.RequestKeyFrameAsync(ssrc).ConfigureAwait(false);
            }
            catch (PeerConnectionException)
            {
                // Closing, or not connected: nothing to forward to.
            }
        }
    }

    private sealed class SessionStats
    {
        public long Received { get; set; }

        public long Sent { get; set; }

        public Vp8ReceiveStats Video { get; } = new();

        public string? File { get; set; }
    }
}
