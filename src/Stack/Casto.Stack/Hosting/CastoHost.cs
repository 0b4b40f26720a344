// Spec: https://github.com/libp2p/specs/blob/master/connections/README.md
// A libp2p host: listens, dials, upgrades connections and routes streams to protocol handlers by id.
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Hosting;

/// <summary>
/// A libp2p node built from <see cref="HostOptions"/>: identity, transports, security, muxers and protocol handlers.
/// Start it with <see cref="StartAsync"/>; dispose it to close every listener and connection.
/// </summary>
public sealed partial class CastoHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, StreamHandler> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PeerConnection, byte> _connections = new();
    private readonly List<IConnectionListener> _listeners = [];
    private readonly List<Multiaddr> _listenAddresses = [];
    private readonly List<Task> _background = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Upgrader _upgrader;
    private readonly SemaphoreSlim _pendingInbound;
    private volatile string[] _protocols = [];

    private CastoHost(HostOptions options, PrivateKey identity)
    {
        Options = options;
        Identity = identity;
        _upgrader = new Upgrader(options);
        _pendingInbound = new SemaphoreSlim(options.MaxPendingInbound);
        PeerStore = new PeerStore(options.MaxPeerStoreEntries);
        Log = new HostLog(options.LoggerFactory.CreateLogger("Casto.Stack.Hosting"));
        StartTrimTimer();
    }

    /// <summary>Raised when a connection is established (both directions). Handlers must not block.</summary>
    public event EventHandler<PeerConnection>? Connected;

    /// <summary>Raised when a connection has ended.</summary>
    public event EventHandler<PeerConnection>? Disconnected;

    /// <summary>This node's peer id.</summary>
    public PeerId PeerId => Identity.PeerId;

    /// <summary>The addresses the host listens on, each ending in <c>/p2p/&lt;id&gt;</c>.</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses => _listenAddresses;

    /// <summary>What the host knows about other peers.</summary>
    public PeerStore PeerStore { get; }

    /// <summary>The protocols with a registered handler.</summary>
    public IReadOnlyCollection<string> Protocols => _protocols;

    /// <summary>The open connections.</summary>
    public IReadOnlyCollection<PeerConnection> Connections => [.. _connections.Keys];

    internal HostOptions Options { get; }

    internal PrivateKey Identity { get; }

    internal HostLog Log { get; }

    internal IReadOnlyCollection<string> ProtocolSet => _protocols;

    /// <summary>Creates the host and starts listening on <see cref="HostOptions.ListenAddresses"/>.</summary>
    public static async ValueTask<CastoHost> StartAsync(HostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = new CastoHost(options, options.Validate());
        try
        {
            foreach (var address in options.ListenAddresses)
            {
                await host.ListenAsync(address, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <summary>Routes inbound streams of <paramref name="protocol"/> to <paramref name="handler"/>.</summary>
    public void SetStreamHandler(string protocol, StreamHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[protocol] = handler;
        _protocols = [.. _handlers.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Stops handling <paramref name="protocol"/>.</summary>
    public void RemoveStreamHandler(string protocol)
    {
        _handlers.TryRemove(protocol, out _);
        _protocols = [.. _handlers.Keys.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _trimTimer?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var connection in _connections.Keys)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(_background).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or IOException)
        {
        }

        _pendingInbound.Dispose();
        _stopping.Dispose();
    }

    internal bool TryGetHandler(string protocol, [NotNullWhen(true)] out StreamHandler? handler) =>
        _handlers.TryGetValue(protocol, out handler);

    private PeerConnection Register(ISecureConnection secure, IMuxedConnection muxed, bool outbound)
    {
        var connection = new PeerConnection(this, secure, muxed, outbound);
        _connections[connection] = 0;
        PeerStore.AddAddresses(connection.RemotePeer, outbound ? [connection.RemoteAddress] : []);
        Log.Connected(connection.RemotePeer, connection.RemoteAddress, outbound ? "outbound" : "inbound");
        lock (_background)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(RunConnectionAsync(connection));
        }

        Connected?.Invoke(this, connection);
        TrimIfAboveHighWater();
        return connection;
    }

    private async Task RunConnectionAsync(PeerConnection connection)
    {
        try
        {
            await connection.RunAsync(_stopping.Token).ConfigureAwait(false);

            // Accepting ends at a go-away too: the streams still open finish before the session ends and is disposed.
            await connection.Completion.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the session failed or the host is stopping
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            await connection.DisposeAsync().ConfigureAwait(false);
            Log.Disconnected(connection.RemotePeer);
            Disconnected?.Invoke(this, connection);
        }
    }
}
