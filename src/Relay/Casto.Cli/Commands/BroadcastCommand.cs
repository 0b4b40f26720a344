using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Casto.Relay.Tree;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto broadcast STREAM [--file F] [--seconds S]</c> and either
/// <list type="bullet">
/// <item><c>--whip URL [--token T]</c>: publishes the built-in VP8 clip (or an IVF or H264 file), looped, to a WHIP
/// endpoint. A URL whose last segment is <c>whip</c> gets <c>/STREAM</c> appended; any other is used as given. Prints
/// <c>{"stream":…,"resource":…}</c> once connected, then <c>{"packetsSent":…,"bitrateKbps":…,"nacks":…,"plis":…}</c>
/// every second; DELETEs the resource on exit.</item>
/// <item>no <c>--whip</c>: this process is the root of STREAM's relay tree (<c>[--signal MULTIADDR…] [--bootstrap MULTIADDR…] [--max-children N]
/// [--http HOST:PORT] [--listen MULTIADDR…] [--udp-port N] [--key FILE]</c>), announced in the stream's room on each
/// signalling server and as a provider of the stream's key in the DHT (which it serves). Prints <c>{"peerId":…,"listen":[…],"udpPort":…,"http":…}</c>, then every second
/// <c>{"stream":…,"peerId":…,"children":…,"uploadKbps":…}</c>.</item>
/// </list>
/// </summary>
internal static class BroadcastCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var stream = new Argument<string>("STREAM") { Description = "The stream name." };
        var whip = new Option<string?>("--whip") { Description = "Publish to this WHIP endpoint (e.g. http://127.0.0.1:8080/whip) instead of being a tree's root.", HelpName = "URL" };
        var file = new Option<string?>("--file") { Description = "A VP8 IVF file, or an H264 Annex-B file (.h264, 30 fps), to play instead of the built-in clip.", HelpName = "FILE" };
        var token = new Option<string?>("--token") { Description = "Bearer token for the WHIP endpoint.", HelpName = "TOKEN" };
        var seconds = new Option<double>("--seconds") { Description = "Stop after this long (0: until interrupted).", DefaultValueFactory = _ => 0 };
        var command = new Command("broadcast", "Broadcast the built-in clip (or a file): as the root of a relay tree, or to a WHIP endpoint.") { stream, whip, file, token, seconds };
        var tree = TreeCli.AddOptions(command, defaultChildren: 4);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var name = result.GetValue(stream)!;
                var clip = await LoadAsync(result.GetValue(file), cancellationToken).ConfigureAwait(false);
                using var limit = CliRun.Limit(result.GetValue(seconds), cancellationToken);

                if (result.GetValue(whip) is not { } url)
                {
                    return await BroadcastTreeAsync(result, tree, name, clip, stdout, limit.Token).ConfigureAwait(false);
                }

                var endpoint = Endpoint(new Uri(url), name);
                return await PublishAsync(name, endpoint, clip, result.GetValue(token), stdout, stderr, limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UriFormatException or HttpRequestException or MediaException
                or ArgumentException or Casto.Discovery.Signal.SignalException or Casto.Relay.Forwarding.ForwardingException)
            {
                await stderr.WriteLineAsync($"casto broadcast: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }

    /// <summary>The root of a tree: the clip is this node's stream's publisher; joiners come through --signal rooms (or addresses).</summary>
    private static async Task<int> BroadcastTreeAsync(ParseResult result, TreeCli.Options tree, string name, MediaClip clip, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var cli = await TreeCli.StartAsync(result, tree, cancellationToken, root: true).ConfigureAwait(false);
        await using var publisher = await ClipPublisher.StartAsync(cli.Peer.Forwarding, name, clip, cancellationToken).ConfigureAwait(false);
        cli.Peer.Tree.Broadcast(name);
        await CliRun.WriteJsonLineAsync(stdout, cli.StartLine(), cancellationToken).ConfigureAwait(false);
        await cli.AnnounceAsync(name, found: null, cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var meter = new Casto.Relay.Forwarding.UploadMeter();
        meter.Read(default, TimeProvider.System.GetTimestamp());
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var video = cli.Peer.Forwarding.GetStream(name)?.GetStats().Video ?? default;
                long upload = (long)meter.Read(video, TimeProvider.System.GetTimestamp());
                await CliRun.WriteJsonLineAsync(stdout, new JsonObject
                {
                    ["stream"] = name,
                    ["peerId"] = cli.Peer.PeerId.ToString(),
                    ["children"] = cli.Peer.Tree.GetStatus(name)?.Children ?? 0,
                    ["uploadKbps"] = upload,
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return CastoCli.Ok;
    }

    private static Uri Endpoint(Uri whip, string stream) =>
        whip.AbsolutePath.TrimEnd('/').EndsWith("/whip", StringComparison.Ordinal)
            ? new Uri(whip.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + Uri.EscapeDataString(stream))
            : whip;

    private static async Task<MediaClip> LoadAsync(string? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return await MediaSources.LoadDefaultVp8Async(cancellationToken).ConfigureAwait(false);
        }

        await using var input = File.OpenRead(file);
        return file.EndsWith(".h264", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".264", StringComparison.OrdinalIgnoreCase)
            ? await MediaClip.LoadH264Async(input, new MediaTimebase(1, 30), cancellationToken: cancellationToken).ConfigureAwait(false)
            : await MediaClip.LoadIvfAsync(input, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> PublishAsync(
        string name, Uri endpoint, MediaClip clip, string? token, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        await using var pc = new RtcPeerConnection(new RtcPeerConnectionOptions
        {
            Direction = SdpDirection.SendOnly,
            Audio = false,
            ReceiveQueueCapacity = 0,
            VideoCodecs = [clip.Codec == "H264" ? RtcCodec.H264 : RtcCodec.Vp8],
        });
        string offer = await pc.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
        pc.SetLocalDescription(RtcSdpType.Offer, offer);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(offer, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != System.Net.HttpStatusCode.Created || response.Headers.Location is null)
        {
            await stderr.WriteLineAsync($"casto broadcast: {endpoint} answered {(int)response.StatusCode}: {body.Trim()}").ConfigureAwait(false);
            return CastoCli.Failed;
        }

        var resource = new Uri(endpoint, response.Headers.Location);
        try
        {
            pc.SetRemoteDescription(RtcSdpType.Answer, body);
            await pc.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["stream"] = name, ["resource"] = resource.ToString() }, cancellationToken).ConfigureAwait(false);
            var sending = RtcClipSender.SendAsync(pc, clip, loop: true, cancellationToken: cancellationToken);
            await ReportAsync(pc, sending, stdout, cancellationToken).ConfigureAwait(false);
            return pc.ConnectionState == RtcPeerConnectionState.Failed ? CastoCli.Failed : CastoCli.Ok;
        }
        catch (OperationCanceledException)
        {
            return CastoCli.Ok;
        }
        finally
        {
            using var delete = new HttpRequestMessage(HttpMethod.Delete, resource);
            if (token is not null)
            {
                delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            try
            {
                using var _ = await http.SendAsync(delete, CancellationToken.None).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // The server is gone: nothing to end.
            }
        }
    }

    private static async Task ReportAsync(RtcPeerConnection pc, Task<long> sending, TextWriter stdout, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long lastBytes = 0;
        while (!sending.IsCompleted && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var stats = pc.GetStats();
            await CliRun.WriteJsonLineAsync(stdout, new JsonObject
            {
                ["packetsSent"] = stats.PacketsSent,
                ["bitrateKbps"] = (stats.BytesSent - lastBytes) * 8 / 1000,
                ["nacks"] = stats.NacksReceived,
                ["plis"] = stats.PlisReceived,
                ["state"] = pc.ConnectionState.ToString().ToLowerInvariant(),
            }, cancellationToken).ConfigureAwait(false);
            lastBytes = stats.BytesSent;
        }
    }
}
