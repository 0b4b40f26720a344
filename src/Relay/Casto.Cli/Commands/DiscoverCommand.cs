using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Casto.Discovery;
using Casto.Discovery.Mdns;
using Casto.Discovery.Signal;
using Casto.Stack.Hosting;
using Casto.Stack.Multiaddrs;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto discover [--mdns] [--signal MULTIADDR --room NAME] [--listen MULTIADDR…] [--interface NAME|ADDR] [--key FILE]</c>:
/// runs a node, announces it with the chosen discovery sources and prints every peer found as one JSON line
/// <c>{"source":"mdns","peerId":"…","addrs":["/ip4/…/tcp/…"]}</c> (addresses without /p2p) until SIGINT/SIGTERM.
/// With no source flag, mDNS is used; both can run at once.
/// </summary>
internal static class DiscoverCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var mdns = new Option<bool>("--mdns") { Description = "Discover peers on the local network with mDNS (the default source)." };
        var listen = new Option<string[]>("--listen")
        {
            Description = "Address(es) to listen on and announce (repeatable; default /ip4/127.0.0.1/tcp/0).",
            HelpName = "MULTIADDR",
            AllowMultipleArgumentsPerToken = true,
        };
        var iface = new Option<string?>("--interface")
        {
            Description = "Network interface for mDNS, by name or address (default: every multicast interface).",
            HelpName = "NAME|ADDR",
        };
        var signal = new Option<string?>("--signal")
        {
            Description = "Join a room on this star signalling server, e.g. /ip4/127.0.0.1/tcp/9090/ws/p2p-webrtc-star.",
            HelpName = "MULTIADDR",
        };
        var room = new Option<string>("--room") { Description = "Room (stream name) to join on the signalling server.", HelpName = "NAME", DefaultValueFactory = _ => "casto" };
        var key = KeyOption.Create();
        var command = new Command("discover", "Run a node and print the peers that discovery finds, one JSON line each.") { mdns, signal, room, listen, iface, key };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var addresses = (result.GetValue(listen) is { Length: > 0 } l ? l : ["/ip4/127.0.0.1/tcp/0"]).Select(Multiaddr.Parse).ToList();
                using var identity = NodeFactory.LoadKey(result.GetValue(key), ephemeralByDefault: true);
                await using var host = await NodeFactory.StartAsync(identity, addresses, cancellationToken).ConfigureAwait(false);
                var sources = new List<IDiscoverySource>();
                if (result.GetValue(signal) is { } server)
                {
                    sources.Add(new SignalDiscoverySource(identity, new SignalDiscoveryOptions
                    {
                        Server = Multiaddr.Parse(server),
                        Room = result.GetValue(room)!,
                        Addrs = [.. host.ListenAddresses.Select(a => a.Decapsulate(MultiaddrProtocol.P2p))], // like mDNS: the peer id travels separately
                    }));
                }

                // mDNS runs when asked for, or when no other source is.
                if (result.GetValue(mdns) || sources.Count == 0)
                {
                    sources.Add(CreateMdns(host, result.GetValue(iface)));
                }

                await using var discovery = new PeerDiscovery();
                var found = discovery.Subscribe();
                foreach (var source in sources)
                {
                    await discovery.AddAsync(source, cancellationToken).ConfigureAwait(false);
                }

                await discovery.StartAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await foreach (var e in found.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (e.Kind == DiscoveryEventKind.Found)
                        {
                            await stdout.WriteLineAsync(Format(e)).ConfigureAwait(false);
                            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // SIGINT/SIGTERM: dispose discovery (mDNS says goodbye) and the host below, and exit 0.
                }

                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException or ArgumentException)
            {
                await stderr.WriteLineAsync($"casto discover: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }

    private static MdnsDiscovery CreateMdns(CastoHost host, string? networkInterface) => new(new MdnsOptions
    {
        PeerId = host.PeerId,
        Addresses = host.ListenAddresses,
        Interface = networkInterface,
    });

    private static string Format(DiscoveryEvent e) => (new JsonObject
    {
        ["source"] = e.Source,
        ["peerId"] = e.PeerId.ToString(),
        ["addrs"] = CliRun.Strings(e.Addrs.Select(a => a.ToString())),
    }).ToJsonString();
}
