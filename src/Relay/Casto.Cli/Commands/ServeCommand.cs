using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using Casto.Relay.Forwarding;
using Casto.Relay.Http;
using Casto.WebRtc.Ice;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto serve --http HOST:PORT [--udp-port N] [--whip-token T]</c>: a forwarding node taking WHIP streams and serving
/// them over WHEP and <c>/watch</c>. Prints <c>{"http":"HOST:PORT","udpPort":N}</c>, then one line per stream per second:
/// <c>{"stream":…,"subscribers":…,"bitrateKbps":…,"packetsIn":…,"packetsOut":…,"nacks":…,"plis":…,"forwardDelayP50Us":…,"forwardDelayP99Us":…}</c>
/// (the delays: the last second's video, see <see cref="ForwardDelayHistogram"/>; null without subscribers).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var http = new Option<string>("--http") { Description = "HTTP endpoint, e.g. 127.0.0.1:8080 (port 0 picks one).", HelpName = "HOST:PORT", Required = true };
        var udpPort = new Option<int>("--udp-port") { Description = "The one UDP port every peer connection uses (0 picks one).", DefaultValueFactory = _ => 0 };
        var token = new Option<string?>("--whip-token") { Description = "Bearer token WHIP publishers must present.", HelpName = "TOKEN" };
        var maxSubscribers = new Option<int>("--max-subscribers") { Description = "Subscribers per stream at most.", DefaultValueFactory = _ => 1000 };
        var command = new Command("serve", "Run a forwarding node: WHIP ingest, WHEP egress and a /watch page, until interrupted.")
        {
            http, udpPort, token, maxSubscribers,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var endpoint = IPEndPoint.Parse(result.GetValue(http)!);
                var candidateAddress = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : endpoint.Address;
                await using var mux = IceUdpMux.Bind(new IPEndPoint(candidateAddress, result.GetValue(udpPort)));
                var nodeOptions = new ForwardingNodeOptions
                {
                    UdpMux = mux,
                    Forwarding = new ForwardingOptions { MaxSubscribers = result.GetValue(maxSubscribers) },
                };
                await using var node = new ForwardingNode(nodeOptions);
                var serverOptions = new WhipServerOptions { WhipToken = result.GetValue(token) };
                await using var server = await WhipServer.StartAsync(node, endpoint, serverOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
                await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["http"] = server.EndPoint.ToString(), ["udpPort"] = mux.LocalEndPoint.Port }, cancellationToken).ConfigureAwait(false);
                await ReportAsync(node, stdout, cancellationToken).ConfigureAwait(false);
                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException or ArgumentException or IceException)
            {
                await stderr.WriteLineAsync($"casto serve: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }

    /// <summary>One JSON line per stream every second until stopped.</summary>
    private static async Task ReportAsync(ForwardingNode node, TextWriter stdout, CancellationToken cancellationToken)
    {
        var lastBytes = new Dictionary<string, long>(StringComparer.Ordinal);
        var lastDelay = new Dictionary<string, ForwardDelayHistogram>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var s in node.GetStats())
                {
                    long bytes = s.Video.BytesIn + s.Audio.BytesIn;
                    long previous = lastBytes.GetValueOrDefault(s.Name, bytes);
                    lastBytes[s.Name] = bytes;
                    var delay = s.Video.ForwardDelay.Since(lastDelay.GetValueOrDefault(s.Name, ForwardDelayHistogram.Empty));
                    lastDelay[s.Name] = s.Video.ForwardDelay;
                    await CliRun.WriteJsonLineAsync(stdout, new JsonObject
                    {
                        ["stream"] = s.Name,
                        ["subscribers"] = s.Video.Subscribers,
                        ["bitrateKbps"] = (bytes - previous) * 8 / 1000,
                        ["packetsIn"] = s.Video.PacketsIn + s.Audio.PacketsIn,
                        ["packetsOut"] = s.Video.PacketsOut + s.Audio.PacketsOut,
                        ["nacks"] = s.Video.NackedPackets + s.Audio.NackedPackets,
                        ["plis"] = s.Video.KeyFrameRequestsSent,
                        ["forwardDelayP50Us"] = Micros(delay.PercentileMicros(0.50)),
                        ["forwardDelayP99Us"] = Micros(delay.PercentileMicros(0.99)),
                    }, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // SIGINT/SIGTERM: the node and server are disposed by the caller.
        }
    }

    private static double? Micros(double? value) => value is { } v ? Math.Round(v, 1) : null;
}
