using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Identify;
using Casto.Stack.Protocols.Perf;
using Casto.Stack.Protocols.Ping;

namespace Casto.Cli.Commands;

/// <summary>Builds the host the commands run: TCP + Noise + Yamux with identify, ping and perf.</summary>
internal static class NodeFactory
{
    public static async ValueTask<CastoHost> StartAsync(PrivateKey identity, IEnumerable<Multiaddr> listen, CancellationToken cancellationToken)
    {
        var options = HostDefaults.Create(identity);
        foreach (var address in listen)
        {
            options.ListenAddresses.Add(address);
        }

        var host = await CastoHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
        PingProtocol.Register(host);
        PerfProtocol.Register(host);
        IdentifyService.Register(host);
        return host;
    }

    /// <summary>The key from --key (created if missing), or a fresh Ed25519 key for one-shot clients.</summary>
    public static PrivateKey LoadKey(string? path, bool ephemeralByDefault) =>
        path is null && ephemeralByDefault ? PrivateKey.Generate() : KeyFile.LoadOrCreate(KeyOption.Resolve(path), out _);
}
