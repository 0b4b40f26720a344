using System.CommandLine;
using System.Globalization;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Perf;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto perf MULTIADDR --upload BYTES --download BYTES</c>: one JSON line
/// <c>{"seconds":…,"uploadBytes":…,"downloadBytes":…,"gbps":…}</c>.
/// </summary>
internal static class PerfCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var address = new Argument<string>("MULTIADDR") { Description = "Peer address ending in /p2p/<peer id>." };
        var upload = new Option<long>("--upload") { Description = "Bytes to send.", HelpName = "BYTES", Required = true };
        var download = new Option<long>("--download") { Description = "Bytes to receive.", HelpName = "BYTES", Required = true };
        var key = KeyOption.Create();
        key.Description = "Private key file to dial with (default: a fresh Ed25519 key).";
        var command = new Command("perf", "Measure throughput to a peer with /perf/1.0.0.") { address, upload, download, key };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var target = Multiaddr.Parse(result.GetValue(address)!);
                using var identity = NodeFactory.LoadKey(result.GetValue(key), ephemeralByDefault: true);
                await using var host = await NodeFactory.StartAsync(identity, [], cancellationToken).ConfigureAwait(false);
                var connection = await host.DialAsync(target, cancellationToken).ConfigureAwait(false);
                var run = await PerfProtocol.RunAsync(connection, result.GetValue(upload), result.GetValue(download), cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"seconds\":{run.Elapsed.TotalSeconds:0.######},\"uploadBytes\":{run.UploadBytes},\"downloadBytes\":{run.DownloadBytes},\"gbps\":{run.Gbps:0.####}}}"))
                    .ConfigureAwait(false);
                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException or OperationCanceledException or ArgumentException)
            {
                await stderr.WriteLineAsync($"casto perf: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }
}
