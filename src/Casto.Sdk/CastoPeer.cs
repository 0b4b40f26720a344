using System.Net.Sockets;
using Casto.Discovery.Kad;
using Casto.Discovery.Signal;
using Casto.Relay.Tree;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.WebRtc.Ice;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Sdk;

/// <summary>
/// One tree peer as <see cref="CastoClient"/> sets it up from <see cref="CastoOptions"/> (what <c>casto watch</c> and
/// <c>casto broadcast</c> do from their flags): the key, the <see cref="TreePeer"/> (libp2p host, UDP port, forwarding
/// node, tree node) and its <see cref="TreeDiscovery"/> (signal rooms, mDNS, the DHT from the bootstrap peers). Disposing closes all of it.
/// </summary>
internal sealed partial class CastoPeer : IAsyncDisposable
{
    private readonly PrivateKey _key;
    private TreeDiscovery? _discovery;
    private int _disposed;

    private CastoPeer(CastoOptions options, TreePeer peer, PrivateKey key, ILoggerFactory loggers) => (Options, Peer, _key, Loggers) = (options, peer, key, loggers);

    public CastoOptions Options { get; }

    public TreePeer Peer { get; }

    public ILoggerFactory Loggers { get; }

    public TreeDiscovery Discovery => _discovery!;

    public string Stream => Options.Stream;

    /// <summary>Starts the peer and its discovery; on failure nothing is left running.</summary>
    public static async Task<CastoPeer> StartAsync(CastoOptions options, bool root, CancellationToken cancellationToken)
    {
        var loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;
        PrivateKey key = LoadKey(options.KeyFile);
        TreePeer peer;
        try
        {
            peer = await TreePeer.StartAsync(PeerOptions(options, key, loggers, root), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Casto.Stack.Hosting.HostException or IceException or SocketException)
        {
            key.Dispose();
            throw new CastoException(CastoError.AddressInUse, $"Cannot listen: {ex.Message}", ex);
        }
        catch
        {
            key.Dispose();
            throw;
        }

        var casto = new CastoPeer(options, peer, key, loggers);
        try
        {
            var discovery = new TreeDiscoveryOptions { Mdns = options.Mdns, MdnsInterface = options.MdnsInterface };
            foreach (string s in options.SignalServers)
            {
                discovery.SignalServers.Add(Multiaddr.Parse(s));
            }

            if (options.BootstrapPeers.Count > 0 || root) // a publisher serves the DHT its viewers bootstrap from
            {
                discovery.Dht = new KadDhtOptions { TimeProvider = options.TimeProvider };
                foreach (string s in options.BootstrapPeers)
                {
                    discovery.Dht.BootstrapPeers.Add(Multiaddr.Parse(s));
                }
            }

            casto._discovery = await TreeDiscovery.StartAsync(peer, key, discovery, cancellationToken).ConfigureAwait(false);
            return casto;
        }
        catch (SignalException ex)
        {
            await casto.DisposeAsync().ConfigureAwait(false);
            throw new CastoException(CastoError.SignalUnreachable, $"Signal server unreachable: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            await casto.DisposeAsync().ConfigureAwait(false);
            throw new CastoException(CastoError.MdnsFailed, $"mDNS could not start: {ex.Message}", ex);
        }
        catch
        {
            await casto.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The <see cref="CastoOptions.BootstrapPeers"/> as tree candidates.</summary>
    public IEnumerable<TreeCandidate> Seeds() =>
        Options.BootstrapPeers.Select(Multiaddr.Parse).Select(a => new TreeCandidate(a.PeerId!, [a.Decapsulate(MultiaddrProtocol.P2p)]));

    /// <summary>Announces the stream (signal rooms, the DHT), feeding found parents to <paramref name="found"/>.</summary>
    public async Task AnnounceAsync(Action<IEnumerable<TreeCandidate>>? found, CancellationToken cancellationToken)
    {
        try
        {
            await Discovery.AnnounceAsync(Stream, found, cancellationToken).ConfigureAwait(false);
        }
        catch (SignalException ex)
        {
            throw new CastoException(CastoError.SignalUnreachable, $"Cannot join the stream's signal room: {ex.Message}", ex);
        }
    }

    /// <summary>Leaves gracefully (children handed off within <paramref name="timeout"/>), then closes everything.</summary>
    public async ValueTask LeaveAsync(TimeSpan timeout)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        using var bound = new CancellationTokenSource(timeout, Options.TimeProvider);
        try
        {
            await Peer.Tree.LeaveAsync(bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Best effort: children find new parents themselves.
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_discovery is not null)
        {
            await _discovery.DisposeAsync().ConfigureAwait(false);
        }

        await Peer.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
    }
}
