using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using Casto.Discovery.Kad;
using Casto.Discovery.Signal;
using Casto.Relay.Http;
using Casto.Relay.Tree;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Cli.Commands;

/// <summary>
/// What <c>broadcast</c> (as a tree root), <c>relay</c> and <c>watch</c> share: the tree peer (its key, listen
/// addresses, UDP port, children), its optional HTTP endpoint (WHEP, <c>/watch</c>, <c>/metrics</c>, <c>/healthz</c>)
/// and where it finds parents: <c>--join</c> addresses, the stream's room on <c>--signal</c> servers, the stream's
/// providers in the Kademlia DHT (<c>--bootstrap</c>, <c>--dht</c>), and mDNS on the LAN (by default when none of
/// these is given; a broadcaster always announces itself there unless <c>--no-mdns</c>).
/// </summary>
internal sealed class TreeCli : IAsyncDisposable
{
    private WhipServer? _http;
    private TreeDiscovery? _discovery;

    private TreeCli(TreePeer peer, PrivateKey key) => (Peer, Key) = (peer, key);

    public TreePeer Peer { get; }

    public PrivateKey Key { get; }

    public IPEndPoint? HttpEndPoint => _http?.EndPoint;

    public TreeDiscovery Discovery => _discovery ?? throw new InvalidOperationException("Not started.");

    internal sealed record Options(
        Option<string[]> Signal, Option<string[]> Join, Option<int> MaxChildren, Option<string?> Http, Option<string[]> Listen, Option<int> UdpPort, Option<string?> Key,
        Option<bool> Mdns, Option<bool> NoMdns, Option<string?> Interface, Option<string[]> Bootstrap, Option<bool> Dht);

    /// <summary>The shared options, added to <paramref name="command"/>.</summary>
    public static Options AddOptions(Command command, int defaultChildren)
    {
        var o = new Options(
            new Option<string[]>("--signal") { Description = "A star signalling server (multiaddr) whose room STREAM lists parents; repeatable.", HelpName = "MULTIADDR", AllowMultipleArgumentsPerToken = false },
            new Option<string[]>("--join") { Description = "A node carrying the stream, /ip4/…/tcp/…/p2p/ID; repeatable.", HelpName = "MULTIADDR" },
            new Option<int>("--max-children") { Description = "Tree children this node takes (0: never relays).", DefaultValueFactory = _ => defaultChildren },
            new Option<string?>("--http") { Description = "Serve WHEP, /watch, /metrics and /healthz on HOST:PORT.", HelpName = "HOST:PORT" },
            new Option<string[]>("--listen") { Description = "libp2p listen address (default /ip4/127.0.0.1/tcp/0); repeatable. A signal server's address (/ip4/…/tcp/…/ws/p2p-webrtc-star) makes this node reachable through the server when it cannot be dialled.", HelpName = "MULTIADDR" },
            new Option<int>("--udp-port") { Description = "The one UDP port of all media (0 picks one).", DefaultValueFactory = _ => 0 },
            KeyOption.Create(),
            new Option<bool>("--mdns") { Description = "Find and announce on the LAN with mDNS (the default without --signal and --join)." },
            new Option<bool>("--no-mdns") { Description = "Never use mDNS." },
            new Option<string?>("--interface") { Description = "The network interface (name or address) mDNS uses.", HelpName = "NAME|ADDR" },
            new Option<string[]>("--bootstrap") { Description = "A Kademlia DHT peer, /ip4/…/tcp/…/p2p/ID, to find the stream's providers from (no signal server needed); repeatable.", HelpName = "MULTIADDR" },
            new Option<bool>("--dht") { Description = "Run the DHT (/ipfs/kad/1.0.0) and provide the stream's key without --bootstrap, so others can bootstrap from this node (a broadcaster always does)." });
        command.Add(o.Mdns);
        command.Add(o.NoMdns);
        command.Add(o.Interface);
        command.Add(o.Signal);
        command.Add(o.Join);
        command.Add(o.Bootstrap);
        command.Add(o.Dht);
        command.Add(o.MaxChildren);
        command.Add(o.Http);
        command.Add(o.Listen);
        command.Add(o.UdpPort);
        command.Add(o.Key);
        return o;
    }

    /// <summary>
    /// Starts the peer, its HTTP endpoint and its discovery: the <c>--signal</c> servers, and mDNS unless
    /// <c>--no-mdns</c> when asked for, when there is no other way to find parents, or on the broadcaster
    /// (<paramref name="root"/>), which the LAN must find.
    /// </summary>
    public static async Task<TreeCli> StartAsync(ParseResult result, Options o, CancellationToken cancellationToken, bool root = false)
    {
        var key = NodeFactory.LoadKey(result.GetValue(o.Key), ephemeralByDefault: true);
        var options = new TreePeerOptions { Identity = key, Tree = new TreeNodeOptions { MaxChildren = result.GetValue(o.MaxChildren) } };
        string[] listen = result.GetValue(o.Listen) ?? [];
        if (listen.Length > 0)
        {
            options.ListenAddresses.Clear();
            foreach (string a in listen)
            {
                options.ListenAddresses.Add(Multiaddr.Parse(a));
            }
        }

        // Media binds where libp2p listens; a star address (a tunnel through a signal server) is the server's, not ours.
        var own = options.ListenAddresses.FirstOrDefault(a => !SignalAddress.IsSignalAddress(a));
        var host = own?.ValueOf(MultiaddrProtocol.Ip4) ?? own?.ValueOf(MultiaddrProtocol.Ip6) ?? "127.0.0.1";
        options.UdpEndPoint = new IPEndPoint(IPAddress.Parse(host) is { } ip && !ip.Equals(IPAddress.Any) ? ip : IPAddress.Loopback, result.GetValue(o.UdpPort));
        var peer = await TreePeer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var cli = new TreeCli(peer, key);
        try
        {
            if (result.GetValue(o.Http) is { } http)
            {
                var server = new WhipServerOptions { ExtraMetrics = b => TreeMetrics.Write(b, peer.Tree, peer.Tree.Streams) }.AddTreePages(peer.Tree);
                cli._http = await WhipServer.StartAsync(peer.Forwarding, IPEndPoint.Parse(http), server, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            string[] bootstrap = result.GetValue(o.Bootstrap) ?? [];
            bool signalled = (result.GetValue(o.Signal)?.Length ?? 0) > 0 || (result.GetValue(o.Join)?.Length ?? 0) > 0 || bootstrap.Length > 0;
            var discovery = new TreeDiscoveryOptions
            {
                Mdns = !result.GetValue(o.NoMdns) && (result.GetValue(o.Mdns) || !signalled || root),
                MdnsInterface = result.GetValue(o.Interface),
            };
            foreach (string server in result.GetValue(o.Signal) ?? [])
            {
                discovery.SignalServers.Add(Multiaddr.Parse(server));
            }

            if (bootstrap.Length > 0 || result.GetValue(o.Dht) || root) // a broadcaster serves the DHT its viewers bootstrap from
            {
                discovery.Dht = new KadDhtOptions();
                foreach (string b in bootstrap)
                {
                    var a = Multiaddr.Parse(b);
                    discovery.Dht.BootstrapPeers.Add(a.PeerId is null ? throw new FormatException($"--bootstrap {b} needs /p2p/ID.") : a);
                }
            }

            cli._discovery = await TreeDiscovery.StartAsync(peer, key, discovery, cancellationToken).ConfigureAwait(false);
            return cli;
        }
        catch
        {
            await cli.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The <c>--join</c> seeds as candidates (depth and room unknown).</summary>
    public static IEnumerable<TreeCandidate> Seeds(ParseResult result, Options o) =>
        (result.GetValue(o.Join) ?? []).Select(Multiaddr.Parse).Select(a =>
            new TreeCandidate(a.PeerId ?? throw new FormatException($"--join {a} needs /p2p/ID."), [a.Decapsulate(MultiaddrProtocol.P2p)]));

    /// <summary>
    /// Joins STREAM's room on every <c>--signal</c> server with our listen addresses (so joiners find us); members
    /// already there, those who join later and peers found on the LAN go to <paramref name="found"/> as candidates.
    /// </summary>
    public Task AnnounceAsync(string stream, Action<IEnumerable<TreeCandidate>>? found, CancellationToken cancellationToken) =>
        Discovery.AnnounceAsync(stream, found, cancellationToken);

    /// <summary>The first line of relay and broadcast: who and where.</summary>
    public JsonObject StartLine() => new JsonObject
    {
        ["peerId"] = Peer.PeerId.ToString(),
        ["listen"] = CliRun.Strings(Peer.Host.ListenAddresses.Select(a => a.WithPeerId(Peer.PeerId).ToString())),
        ["udpPort"] = Peer.UdpEndPoint.Port,
        ["http"] = HttpEndPoint?.ToString(),
    };

    /// <summary>Per stream every second until stopped: depth, children, parent, bitrate in.</summary>
    public async Task ReportAsync(TextWriter stdout, Func<IReadOnlyList<string>> streams, CancellationToken cancellationToken)
    {
        var lastBytes = new Dictionary<string, long>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (string name in streams())
                {
                    var status = Peer.Tree.GetStatus(name);
                    var stats = Peer.Forwarding.GetStream(name)?.GetStats();
                    long bytes = (stats?.Video.BytesIn ?? 0) + (stats?.Audio.BytesIn ?? 0);
                    long previous = lastBytes.GetValueOrDefault(name, bytes);
                    lastBytes[name] = bytes;
                    await CliRun.WriteJsonLineAsync(stdout, new JsonObject
                    {
                        ["peerId"] = Peer.PeerId.ToString(),
                        ["stream"] = name,
                        ["depth"] = status?.Depth ?? -1,
                        ["children"] = status?.Children ?? 0,
                        ["parent"] = status?.Parent?.ToString(),
                        ["bitrateKbps"] = (bytes - previous) * 8 / 1000,
                    }, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stopping on purpose (SIGINT/SIGTERM or --seconds): children are handed off first, within the hand-off timeout.</summary>
    public async Task LeaveGracefullyAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await Peer.Tree.LeaveAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_discovery is not null)
        {
            await _discovery.DisposeAsync().ConfigureAwait(false);
        }

        if (_http is not null)
        {
            await _http.DisposeAsync().ConfigureAwait(false);
        }

        await Peer.DisposeAsync().ConfigureAwait(false);
        Key.Dispose();
    }
}
