using System.Net;
using Casto.Discovery.Signal.Tunnel;
using Casto.Relay.Forwarding;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.WebRtc.Ice;

namespace Casto.Relay.Tree;

/// <summary>Settings of a <see cref="TreePeer"/>.</summary>
public sealed class TreePeerOptions
{
    /// <summary>The peer's key; a new Ed25519 key when null (default). Not owned.</summary>
    public PrivateKey? Identity { get; set; }

    /// <summary>
    /// Where the libp2p host listens. Default <c>/ip4/127.0.0.1/tcp/0</c>. A star signal server's address
    /// (<c>/ip4/…/tcp/…/ws/p2p-webrtc-star</c>) makes the peer reachable through that server's tunnels
    /// (<see cref="SignalTransport"/>): how a peer that cannot be dialled (behind NAT) takes children.
    /// </summary>
    public IList<Multiaddr> ListenAddresses { get; } = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")];

    /// <summary>The one UDP port of every media connection. Default 127.0.0.1, any port.</summary>
    public IPEndPoint UdpEndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>The tree's limits and timings.</summary>
    public TreeNodeOptions Tree { get; set; } = new();

    /// <summary>The forwarding of each stream (history, bursts, batches).</summary>
    public ForwardingOptions Forwarding { get; set; } = new();

    /// <summary>Tunnels through star signal servers (dialling <c>…/p2p-webrtc-star/p2p/ID</c> addresses, listening on one).</summary>
    public SignalTransportOptions SignalTransport { get; set; } = new();

    /// <summary>Checks every setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(UdpEndPoint);
        ArgumentNullException.ThrowIfNull(Tree);
        ArgumentNullException.ThrowIfNull(Forwarding);
        if (ListenAddresses.Count == 0)
        {
            throw new ArgumentException("At least one listen address.", nameof(ListenAddresses));
        }

        Tree.Validate();
        Forwarding.Validate();
        ArgumentNullException.ThrowIfNull(SignalTransport);
        SignalTransport.Validate();
    }
}

/// <summary>
/// One member of the relay tree, ready to use: a libp2p host (TCP, Noise, Yamux) for the control protocol, one UDP
/// port for all media (<see cref="IceUdpMux"/>), the <see cref="ForwardingNode"/> that forwards each stream and the
/// <see cref="TreeNode"/>. Disposing closes all of it (abruptly: children notice at once and find new parents); for
/// a graceful exit call <see cref="TreeNode.LeaveAsync"/> first.
/// </summary>
public sealed class TreePeer : IAsyncDisposable
{
    private readonly PrivateKey? _ownedKey;
    private readonly IceUdpMux _mux;
    private int _disposed;

    private TreePeer(CastoHost host, SignalTransport signal, IceUdpMux mux, ForwardingNode forwarding, TreeNode tree, PrivateKey? ownedKey)
    {
        (Host, SignalTransport, _mux, Forwarding, Tree, _ownedKey) = (host, signal, mux, forwarding, tree, ownedKey);
    }

    /// <summary>The libp2p host.</summary>
    public CastoHost Host { get; }

    /// <summary>The media side: streams, publishers, children, WHEP sessions.</summary>
    public ForwardingNode Forwarding { get; }

    /// <summary>The tree side.</summary>
    public TreeNode Tree { get; }

    /// <summary>The peer id.</summary>
    public PeerId PeerId => Host.PeerId;

    /// <summary>The tunnels through star signal servers; its connections are the ones discovery uses too.</summary>
    public SignalTransport SignalTransport { get; }

    /// <summary>The media UDP port.</summary>
    public IPEndPoint UdpEndPoint => _mux.LocalEndPoint;

    /// <summary>Starts the host (listening), binds the UDP port and serves the tree protocol.</summary>
    public static async Task<TreePeer> StartAsync(TreePeerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TreePeerOptions();
        options.Validate();
        PrivateKey? owned = options.Identity is null ? PrivateKey.Generate() : null;
        PrivateKey key = options.Identity ?? owned!;
        IceUdpMux? mux = null;
        CastoHost? host = null;
        var signal = new SignalTransport(key, options.SignalTransport);
        try
        {
            var hostOptions = HostDefaults.Create(key);
            hostOptions.Transports.Add(signal);
            foreach (Multiaddr a in options.ListenAddresses)
            {
                hostOptions.ListenAddresses.Add(a);
            }

            hostOptions.TimeProvider = options.Tree.TimeProvider;
            hostOptions.LoggerFactory = options.Tree.LoggerFactory;
            host = await CastoHost.StartAsync(hostOptions, cancellationToken).ConfigureAwait(false);
            mux = IceUdpMux.Bind(options.UdpEndPoint);
            var forwarding = new ForwardingNode(new ForwardingNodeOptions { UdpMux = mux, Forwarding = options.Forwarding, LoggerFactory = options.Tree.LoggerFactory });
            return new TreePeer(host, signal, mux, forwarding, new TreeNode(host, forwarding, options.Tree), owned);
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            if (mux is not null)
            {
                await mux.DisposeAsync().ConfigureAwait(false);
            }

            await signal.DisposeAsync().ConfigureAwait(false);
            owned?.Dispose();
            throw;
        }
    }

    /// <summary>Closes the tree, the host, every media session and the UDP port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Tree.DisposeAsync().ConfigureAwait(false);
        await Host.DisposeAsync().ConfigureAwait(false);
        await SignalTransport.DisposeAsync().ConfigureAwait(false);
        await Forwarding.DisposeAsync().ConfigureAwait(false);
        await _mux.DisposeAsync().ConfigureAwait(false);
        _ownedKey?.Dispose();
    }
}
