using System.CommandLine;
using System.Text.Json.Nodes;
using Casto.Stack.Multiaddrs;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto listen --listen MULTIADDR… [--key FILE]</c>: serves identify, ping and perf; prints one JSON line
/// <c>{"peerId":"…","addrs":["…/p2p/…"]}</c>; runs until SIGINT/SIGTERM, then shuts down cleanly.
/// </summary>
internal static class ListenCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var listen = new Option<string[]>("--listen")
        {
            Description = "Address(es) to listen on, e.g. /ip4/127.0.0.1/tcp/0 (repeatable).",
            HelpName = "MULTIADDR",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var key = KeyOption.Create();
        var command = new Command("listen", "Run a libp2p node serving identify, ping and perf until interrupted.") { listen, key };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var addresses = result.GetValue(listen)!.Select(Multiaddr.Parse).ToList();
                using var identity = NodeFactory.LoadKey(result.GetValue(key), ephemeralByDefault: false);
                await using var host = await NodeFactory.StartAsync(identity, addresses, cancellationToken).ConfigureAwait(false);
                var line = new JsonObject { ["peerId"] = host.PeerId.ToString(), ["addrs"] = CliRun.Strings(host.ListenAddresses.Select(a => a.ToString())) };
                await CliRun.WriteJsonLineAsync(stdout, line, cancellationToken).ConfigureAwait(false);
                await CliRun.UntilStoppedAsync(cancellationToken).ConfigureAwait(false);

                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                await stderr.WriteLineAsync($"casto listen: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }
}
