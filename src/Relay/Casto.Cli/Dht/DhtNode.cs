using System.CommandLine;
using Casto.Cli.Commands;
using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Multiformats;
using Casto.Stack.Protocols.Identify;
using Casto.Stack.Protocols.Ping;

namespace Casto.Cli.Dht;

/// <summary>The options every <c>casto dht</c> subcommand shares, and the node they start.</summary>
internal sealed class DhtNode : IAsyncDisposable
{
    private DhtNode(PrivateKey identity, CastoHost host, KadDht dht)
    {
        Identity = identity;
        Host = host;
        Dht = dht;
    }

    public PrivateKey Identity { get; }

    public CastoHost Host { get; }

    public KadDht Dht { get; }

    public static Option<string[]> BootstrapOption() => new("--bootstrap")
    {
        Description = "DHT peer(s) to start from, each ending in /p2p/<id> (repeatable).",
        HelpName = "MULTIADDR",
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<string[]> ListenOption() => new("--listen")
    {
        Description = "Address(es) to listen on (repeatable; default /ip4/127.0.0.1/tcp/0).",
        HelpName = "MULTIADDR",
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<string> ProtocolOption() => new("--protocol")
    {
        Description = "DHT protocol id (default /ipfs/kad/1.0.0).",
        HelpName = "ID",
        DefaultValueFactory = _ => KadDht.DefaultProtocolId,
    };

    /// <summary>Starts a host (TCP + Noise + Yamux, identify, ping) with a DHT and bootstraps it.</summary>
    public static async Task<DhtNode> StartAsync(string? keyPath, bool ephemeral, IEnumerable<string> listen, IEnumerable<string> bootstrap,
        string protocol, bool server, CancellationToken cancellationToken)
    {
        var identity = NodeFactory.LoadKey(keyPath, ephemeral);
        var options = HostDefaults.Create(identity);
        var addresses = listen.ToList();
        foreach (var address in addresses.Count > 0 ? addresses : ["/ip4/127.0.0.1/tcp/0"])
        {
            options.ListenAddresses.Add(Multiaddr.Parse(address));
        }

        var host = await CastoHost.StartAsync(options, cancellationToken);
        PingProtocol.Register(host);
        var identify = IdentifyService.Register(host);
        var dhtOptions = new KadDhtOptions { ProtocolId = protocol, ServerMode = server };
        foreach (var peer in bootstrap)
        {
            dhtOptions.BootstrapPeers.Add(Multiaddr.Parse(peer));
        }

        var dht = KadDht.Create(host, dhtOptions, identify);
        if (dhtOptions.BootstrapPeers.Count > 0)
        {
            await dht.BootstrapAsync(cancellationToken);
        }

        return new DhtNode(identity, host, dht);
    }

    /// <summary>A CID in text form, or <c>stream:NAME</c> for <see cref="KadKeys.ForStream"/>.</summary>
    public static Cid ParseCid(string text) =>
        text.StartsWith("stream:", StringComparison.Ordinal) ? KadKeys.ForStream(text["stream:".Length..]) : Cid.Parse(text);

    public async ValueTask DisposeAsync()
    {
        await Dht.DisposeAsync();
        await Host.DisposeAsync();
        Identity.Dispose();
    }
}
