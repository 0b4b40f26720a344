using System.CommandLine;
using Casto.Cli.Commands;

namespace Casto.Cli;

/// <summary>The <c>casto</c> command line: one subcommand per operator task. Output formats are a stable contract.</summary>
internal static class CastoCli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for a failure the tool explains on stderr (bad input, unreachable peer, …).</summary>
    public const int Failed = 1;

    public static RootCommand Create(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Casto: peer-to-peer live streaming — node, relay and diagnostics tool.");
        root.Add(DemoCommand.Create(stdout, stderr));
        root.Add(IdCommand.Create(stdout, stderr));
        root.Add(ListenCommand.Create(stdout, stderr));
        root.Add(PingCommand.Create(stdout, stderr));
        root.Add(PerfCommand.Create(stdout, stderr));
        root.Add(WebRtcEchoCommand.Create(stdout, stderr));
        root.Add(SignalCommand.Create(stdout, stderr));
        root.Add(DiscoverCommand.Create(stdout, stderr));
        root.Add(ServeCommand.Create(stdout, stderr));
        root.Add(BroadcastCommand.Create(stdout, stderr));
        root.Add(RelayCommand.Create(stdout, stderr));
        root.Add(WatchCommand.Create(stdout, stderr));
        root.Add(Casto.Cli.Dht.DhtCommand.Create(stdout, stderr));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = Create(stdout, stderr);
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
