using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Casto.Sdk;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.Sdk.Tests;

public sealed class SourceTests
{
    [Fact]
    public async Task AnRtpSourceOnALocalPortReachesAViewer()
    {
        using var cts = Loopback.Timeout();
        int port = Loopback.FreeUdpPort();

        await using var publisher = await new CastoClient(Loopback.Options("from-rtp")).PublishAsync(CastoSource.Rtp(port), cts.Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        Task encoder = SendClipAsRtpAsync(new IPEndPoint(IPAddress.Loopback, port), stop.Token); // what `ffmpeg -f rtp` would send
        try
        {
            await using var media = await new CastoClient(Loopback.Options("from-rtp", publisher.Addresses)).StartAsync(cts.Token);
            int frames = 0;
            await foreach (CastoFrame frame in media.ReadFramesAsync(cts.Token))
            {
                using (frame)
                {
                    Assert.Equal(CastoCodec.Vp8, frame.Codec);
                    Assert.Equal(frame.IsKeyframe, (frame.Payload.Span[0] & 1) == 0);
                }

                if (++frames == 10)
                {
                    break;
                }
            }

            Assert.True(publisher.PacketsIn > 10, $"packets in: {publisher.PacketsIn}");
        }
        finally
        {
            await stop.CancelAsync();
            await encoder;
        }
    }

    [Fact]
    public async Task AWhipSourceTakesAnEncodersOfferAndReachesAViewer()
    {
        using var cts = Loopback.Timeout();
        await using var publisher = await new CastoClient(Loopback.Options("from-whip"))
            .PublishAsync(CastoSource.Whip(new IPEndPoint(IPAddress.Loopback, 0), token: "secret"), cts.Token);
        Assert.NotNull(publisher.WhipUrl);
        Assert.EndsWith("/whip/from-whip", publisher.WhipUrl!.AbsolutePath, StringComparison.Ordinal);

        await using var encoder = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly, Audio = false, ReceiveQueueCapacity = 0 });
        string offer = await encoder.CreateOfferAsync(cts.Token);
        encoder.SetLocalDescription(RtcSdpType.Offer, offer);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, publisher.WhipUrl) { Content = new StringContent(offer, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "secret");
        using var response = await http.SendAsync(request, cts.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        encoder.SetRemoteDescription(RtcSdpType.Answer, await response.Content.ReadAsStringAsync(cts.Token));
        await encoder.WaitConnectedAsync(cts.Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var clip = await MediaSources.LoadDefaultVp8Async(cts.Token);
        Task sending = RtcClipSender.SendAsync(encoder, clip, loop: true, cancellationToken: stop.Token);
        try
        {
            await using var media = await new CastoClient(Loopback.Options("from-whip", publisher.Addresses)).StartAsync(cts.Token);
            await foreach (CastoFrame frame in media.ReadFramesAsync(cts.Token))
            {
                using (frame)
                {
                    Assert.True(frame.IsKeyframe);
                    break;
                }
            }

            Assert.Equal(1, media.Stats.Depth);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await sending; // returns (or throws) once cancelled
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The built-in clip as plain VP8 RTP (RFC 7741: a 1-byte descriptor, S on each frame's first packet), paced at 30 fps.</summary>
    private static async Task SendClipAsRtpAsync(IPEndPoint to, CancellationToken cancellationToken)
    {
        var clip = await MediaSources.LoadDefaultVp8Async(cancellationToken);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        byte[] packet = new byte[1200];
        ushort seq = 1000;
        uint ssrc = 0x1234_5678;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(33));
        try
        {
            for (int n = 0; ; n++)
            {
                ReadOnlyMemory<byte> frame = clip[n % clip.Count].Data;
                for (int offset = 0; offset < frame.Length;)
                {
                    int chunk = Math.Min(1000, frame.Length - offset);
                    bool last = offset + chunk == frame.Length;
                    packet[0] = 0x80;
                    packet[1] = (byte)(96 | (last ? 0x80 : 0));
                    BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq++);
                    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(n * 3000));
                    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
                    packet[12] = (byte)(offset == 0 ? 0x10 : 0x00);
                    frame.Span.Slice(offset, chunk).CopyTo(packet.AsSpan(13));
                    await socket.SendToAsync(packet.AsMemory(0, 13 + chunk), to, cancellationToken);
                    offset += chunk;
                }

                await timer.WaitForNextTickAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
