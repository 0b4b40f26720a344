using System.CommandLine;
using Casto.Relay.Tree;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto relay --stream NAME… [--signal MULTIADDR…] [--join MULTIADDR…] [--max-children N] [--http HOST:PORT]
/// [--listen MULTIADDR…] [--udp-port N] [--key FILE] [--seconds S]</c>: an operator's node that joins each stream's
/// tree and forwards it. Prints <c>{"peerId":…,"listen":[…],"udpPort":…,"http":…}</c>, then per stream every second
/// <c>{"peerId":…,"stream":…,"depth":…,"children":…,"parent":…,"bitrateKbps":…}</c>. SIGINT/SIGTERM hands the
/// children to new parents before it exits.
/// </summary>
internal static class RelayCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var streams = new Option<string[]>("--stream") { Description = "A stream to relay; repeatable.", HelpName = "NAME", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "Stop after this long (0: until interrupted).", DefaultValueFactory = _ => 0 };
        var command = new Command("relay", "Run a relay: join each stream's tree and forward it to up to --max-children nodes.") { streams, seconds };
        var tree = TreeCli.AddOptions(command, defaultChildren: 8);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                using var limit = CliRun.Limit(result.GetValue(seconds), cancellationToken);

                await using var cli = await TreeCli.StartAsync(result, tree, limit.Token).ConfigureAwait(false);
                await CliRun.WriteJsonLineAsync(stdout, cli.StartLine(), limit.Token).ConfigureAwait(false);
                var memberships = new List<TreeMembership>();
                foreach (string stream in result.GetValue(streams)!)
                {
                    var membership = cli.Peer.Tree.Join(stream, TreeCli.Seeds(result, tree));
                    memberships.Add(membership);
                    await cli.AnnounceAsync(stream, membership.AddCandidates, limit.Token).ConfigureAwait(false);
                }

                await cli.ReportAsync(stdout, memberships.Select(m => m.Stream), limit.Token).ConfigureAwait(false);
                await cli.LeaveGracefullyAsync().ConfigureAwait(false);
                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException or ArgumentException or Casto.Discovery.Signal.SignalException)
            {
                await stderr.WriteLineAsync($"casto relay: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }
}
