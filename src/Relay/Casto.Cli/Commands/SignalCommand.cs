using System.CommandLine;
using System.Text.Json.Nodes;
using Casto.Discovery.Signal;
using Casto.Stack.Multiaddrs;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto signal --listen MULTIADDR</c>: runs a star signalling server (docs/signal-protocol.md); prints one JSON line
/// <c>{"addrs":["/ip4/…/tcp/…/ws/p2p-webrtc-star"]}</c>; runs until SIGINT/SIGTERM, then shuts down cleanly.
/// </summary>
internal static class SignalCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var listen = new Option<string>("--listen")
        {
            Description = "WebSocket address to listen on, e.g. /ip4/127.0.0.1/tcp/0/ws.",
            HelpName = "MULTIADDR",
            Required = true,
        };
        var command = new Command("signal", "Run a star signalling server (rooms, peer events, SDP/ICE relay) until interrupted.") { listen };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var address = Multiaddr.Parse(result.GetValue(listen)!);
                await using var server = await SignalServer.StartAsync(null, address, cancellationToken: cancellationToken).ConfigureAwait(false);
                await CliRun.WriteJsonLineAsync(stdout, new JsonObject { ["addrs"] = CliRun.Strings(server.Addresses.Select(a => a.ToString())) }, cancellationToken).ConfigureAwait(false);
                await CliRun.UntilStoppedAsync(cancellationToken).ConfigureAwait(false); // then peers get shutting-down

                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                await stderr.WriteLineAsync($"casto signal: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }
}
