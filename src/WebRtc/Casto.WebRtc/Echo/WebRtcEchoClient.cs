// Spec: https://github.com/sipsorcery/webrtc-echoes/blob/master/doc/EchoTestSpecification.md (client peer)
using System.Text.Json;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Echo;

/// <summary>
/// The webrtc-echoes client peer: offers one send-receive VP8 track (non-trickle), POSTs the offer to an echo server,
/// plays the built-in clip for a while and counts the whole frames that come back.
/// </summary>
public static class WebRtcEchoClient
{
    /// <summary>
    /// Runs one echo test against <paramref name="offerUrl"/> for <paramref name="duration"/> after connecting.
    /// Throws <see cref="PeerConnectionException"/> when signalling or connecting fails.
    /// </summary>
    public static async Task<WebRtcEchoReport> RunAsync(Uri offerUrl, TimeSpan duration, HttpClient http, WebRtcEchoOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offerUrl);
        ArgumentNullException.ThrowIfNull(http);
        options ??= new WebRtcEchoOptions();
        options.Validate();
        var pc = new RtcPeerConnection(new RtcPeerConnectionOptions
        {
            Direction = SdpDirection.SendRecv,
            ConnectTimeout = options.ConnectTimeout,
            LocalAddresses = options.LocalAddresses,
        });
        await using (pc.ConfigureAwait(false))
        {
            return await RunAsync(pc, offerUrl, duration, http, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<WebRtcEchoReport> RunAsync(RtcPeerConnection pc, Uri offerUrl, TimeSpan duration, HttpClient http, CancellationToken cancellationToken)
    {
        long start = TimeProvider.System.GetTimestamp();
        string offer = await pc.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
        pc.SetLocalDescription(RtcSdpType.Offer, offer);
        string answer = await PostAsync(http, offerUrl, offer, cancellationToken).ConfigureAwait(false);
        pc.SetRemoteDescription(RtcSdpType.Answer, answer);
        await pc.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        run.CancelAfter(duration);
        var clip = await MediaSources.LoadDefaultVp8Async(cancellationToken).ConfigureAwait(false);
        var send = RtcClipSender.SendAsync(pc, clip, loop: true, cancellationToken: run.Token);
        using var video = new Vp8ReceiveStats();
        long received = await CountAsync(pc, video, run.Token).ConfigureAwait(false);
        long sent = await send.ConfigureAwait(false);
        string state = pc.ConnectionState == RtcPeerConnectionState.Connected ? "connected" : pc.ConnectionState.ToString().ToLowerInvariant();
        double? firstFrameMs = video.FirstFrameTimestamp is { } at ? Math.Round(TimeProvider.System.GetElapsedTime(start, at).TotalMilliseconds, 1) : null;
        return new WebRtcEchoReport(0, state, received, sent, video.Frames, video.Keyframes, video.FirstIsKeyframe, video.TimestampsMonotonic, null, firstFrameMs);
    }

    private static async Task<string> PostAsync(HttpClient http, Uri url, string offer, CancellationToken cancellationToken)
    {
        try
        {
            // A plain body with Content-Length (not chunked): minimal echo servers read exactly that many bytes.
            using var content = new StringContent(EchoJson.Description("offer", offer), System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new PeerConnectionException(PeerConnectionError.ConnectFailed, $"The echo server answered {(int)response.StatusCode}: {body}");
            }

            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("sdp", out var sdp) && sdp.ValueKind == JsonValueKind.String
                ? sdp.GetString()!
                : throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "The echo server's reply has no \"sdp\".");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            throw new PeerConnectionException(PeerConnectionError.ConnectFailed, "Signalling to the echo server failed: " + ex.Message, ex);
        }
    }

    /// <summary>Feeds every received packet to <paramref name="video"/> until cancelled; returns the packets received.</summary>
    private static async Task<long> CountAsync(RtcPeerConnection pc, Vp8ReceiveStats video, CancellationToken cancellationToken)
    {
        long received = 0;
        try
        {
            await foreach (var packet in pc.ReadAllRtpAsync(cancellationToken).ConfigureAwait(false))
            {
                received++;
                if (RtpPacket.TryRead(packet.Span, out var header, out var payload))
                {
                    video.TryAdd(header, payload, out _);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return received;
    }
}
