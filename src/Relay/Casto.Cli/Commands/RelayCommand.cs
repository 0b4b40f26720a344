using System.CommandLine;
using Casto.Relay.Tree;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto relay [--stream NAME…] [--signal MULTIADDR…] [--join MULTIADDR…] [--bootstrap MULTIADDR…] [--dht] [--max-children N] [--max-streams N]
/// [--http HOST:PORT] [--listen MULTIADDR…] [--udp-port N] [--key FILE] [--seconds S]</c>: an operator's node that
/// joins each stream's tree and forwards it; with no <c>--stream</c> it serves every stream announced on its signal
/// servers (their rooms, now and as they open; at most <c>--max-streams</c>). Prints
/// <c>{"peerId":…,"listen":[…],"udpPort":…,"http":…}</c>, then per stream every second
/// <c>{"peerId":…,"stream":…,"depth":…,"children":…,"parent":…,"bitrateKbps":…}</c>. SIGINT/SIGTERM hands the
/// children to new parents before it exits.
/// </summary>
internal static class RelayCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var streams = new Option<string[]>("--stream") { Description = "A stream to relay; repeatable (none: every stream announced on the --signal servers).", HelpName = "NAME" };
        var maxStreams = new Option<int>("--max-streams") { Description = "Streams served at most when they come from the signal servers' rooms.", DefaultValueFactory = _ => 16 };
        var seconds = new Option<double>("--seconds") { Description = "Stop after this long (0: until interrupted).", DefaultValueFactory = _ => 0 };
        var command = new Command("relay", "Run a relay: join each stream's tree and forward it to up to --max-children nodes.") { streams, maxStreams, seconds };
        var tree = TreeCli.AddOptions(command, defaultChildren: 8);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                string[] named = result.GetValue(streams) ?? [];
                if (named.Length == 0 && (result.GetValue(tree.Signal)?.Length ?? 0) == 0)
                {
                    throw new ArgumentException("Give --stream NAME, or --signal MULTIADDR to relay every stream announced there.");
                }

                ArgumentOutOfRangeException.ThrowIfLessThan(result.GetValue(maxStreams), 1, "--max-streams");
                using var limit = CliRun.Limit(result.GetValue(seconds), cancellationToken);

                await using var cli = await TreeCli.StartAsync(result, tree, limit.Token).ConfigureAwait(false);
                await CliRun.WriteJsonLineAsync(stdout, cli.StartLine(), limit.Token).ConfigureAwait(false);
                var relayed = new Relayed(cli, TreeCli.Seeds(result, tree).ToList(), named.Length > 0 ? int.MaxValue : result.GetValue(maxStreams), limit.Token);
                foreach (string stream in named)
                {
                    await relayed.JoinAsync(stream).ConfigureAwait(false);
                }

                if (named.Length == 0)
                {
                    await cli.Discovery.WatchStreamsAsync(relayed.Opened, limit.Token).ConfigureAwait(false);
                }

                await cli.ReportAsync(stdout, relayed.Names, limit.Token).ConfigureAwait(false);
                await cli.LeaveGracefullyAsync().ConfigureAwait(false);
                return CastoCli.Ok;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
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

    /// <summary>The streams this relay has joined: named ones, and rooms reported open (each once, up to the limit).</summary>
    private sealed class Relayed(TreeCli cli, List<TreeCandidate> seeds, int max, CancellationToken cancellationToken)
    {
        private readonly Lock _lock = new();
        private readonly List<string> _names = [];

        public IReadOnlyList<string> Names()
        {
            lock (_lock)
            {
                return [.. _names];
            }
        }

        public async Task JoinAsync(string stream)
        {
            lock (_lock)
            {
                if (_names.Contains(stream) || _names.Count >= max)
                {
                    return;
                }

                _names.Add(stream);
            }

            var membership = cli.Peer.Tree.Join(stream, seeds);
            await cli.AnnounceAsync(stream, membership.AddCandidates, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>A room opened on a signal server: join it in the background (joining its room waits on the server).</summary>
        public void Opened(string stream) => _ = Task.Run(async () =>
        {
            try
            {
                await JoinAsync(stream).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or Casto.Discovery.Signal.SignalException or ArgumentException or TreeException)
            {
                // Stopping, or a room that is no stream name: nothing to relay.
            }
        }, CancellationToken.None);
    }
}
