using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Ping;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto ping MULTIADDR [--count N]</c>: one JSON line per round trip, <c>{"seq":1,"rttMs":0.42,"connectMs":9.1}</c>
/// (connectMs: dial, handshakes, opening the ping stream and the first round trip).
/// </summary>
internal static class PingCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var address = new Argument<string>("MULTIADDR") { Description = "Peer address ending in /p2p/<peer id>." };
        var count = new Option<int>("--count") { Description = "Pings to send (default 4).", DefaultValueFactory = _ => 4 };
        var connections = new Option<int>("--connections")
        {
            Description = "Fresh connections to make one after another, each closed after its pings (default 1); "
                + "later ones show the warm handshake cost.",
            DefaultValueFactory = _ => 1,
        };
        var key = KeyOption.Create();
        key.Description = "Private key file to dial with (default: a fresh Ed25519 key).";
        var command = new Command("ping", "Measure round-trip times to a peer with /ipfs/ping/1.0.0.") { address, count, connections, key };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var target = Multiaddr.Parse(result.GetValue(address)!);
                var n = result.GetValue(count);
                var fresh = result.GetValue(connections);
                if (n < 1 || fresh < 1)
                {
                    throw new FormatException("--count and --connections must be at least 1.");
                }

                using var identity = NodeFactory.LoadKey(result.GetValue(key), ephemeralByDefault: true);
                await using var host = await NodeFactory.StartAsync(identity, [], cancellationToken).ConfigureAwait(false);
                var seq = 0;
                for (var c = 0; c < fresh; c++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var connection = await host.DialAsync(target, cancellationToken).ConfigureAwait(false);
                    var rtts = await PingProtocol.PingAsync(connection, n, cancellationToken).ConfigureAwait(false);

                    // Wall clock from the dial to the first pong: dial, handshakes, opening the ping stream and the
                    // first round trip (the later round trips on the same stream are taken out).
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    for (var i = 1; i < rtts.Count; i++)
                    {
                        elapsed -= rtts[i];
                    }

                    var connectMs = elapsed.TotalMilliseconds;
                    foreach (var rtt in rtts)
                    {
                        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"{{\"seq\":{++seq},\"rttMs\":{rtt.TotalMilliseconds:0.###},\"connectMs\":{connectMs:0.###}}}")).ConfigureAwait(false);
                    }

                    if (c < fresh - 1)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        await connection.Completion.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                    }
                }

                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException or OperationCanceledException)
            {
                await stderr.WriteLineAsync($"casto ping: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }
}
