// An in-memory transport for tests: /memory/<port> addresses on a MemoryNetwork shared by the test's hosts.
using System.Collections.Concurrent;
using System.Threading.Channels;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Transports.Memory;

/// <summary>A private "network" of in-memory listeners. Each test creates its own; nothing is global.</summary>
public sealed class MemoryNetwork
{
    private readonly ConcurrentDictionary<ulong, MemoryListener> _listeners = new();
    private long _nextPort = 1000;

    internal ulong NextPort() => (ulong)Interlocked.Increment(ref _nextPort);

    internal bool TryAdd(ulong port, MemoryListener listener) => _listeners.TryAdd(port, listener);

    internal bool TryGet(ulong port, out MemoryListener? listener) => _listeners.TryGetValue(port, out listener);

    internal void Remove(ulong port) => _listeners.TryRemove(port, out _);
}

/// <summary>Dials and listens on <c>/memory/&lt;port&gt;</c> within one <see cref="MemoryNetwork"/>.</summary>
public sealed class MemoryTransport(MemoryNetwork network) : ITransport
{
    /// <summary>Connections a listener queues before dials are refused.</summary>
    public const int Backlog = 128;

    /// <inheritdoc/>
    public bool CanHandle(Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var components = address.Decapsulate(MultiaddrProtocol.P2p).Components;
        return components.Count == 1 && components[0].Protocol == MultiaddrProtocol.Memory;
    }

    /// <inheritdoc/>
    public ValueTask<IConnectionListener> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        var port = Port(address);
        if (port == 0)
        {
            port = network.NextPort();
        }

        var listener = new MemoryListener(network, port);
        return network.TryAdd(port, listener)
            ? ValueTask.FromResult<IConnectionListener>(listener)
            : throw new TransportException(TransportError.AddressInUse, $"/memory/{port} is in use.");
    }

    /// <inheritdoc/>
    public ValueTask<IDuplexConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        var port = Port(address);
        if (!network.TryGet(port, out var listener) || listener is null)
        {
            throw new TransportException(TransportError.ConnectionRefused, $"Nothing listens on /memory/{port}.");
        }

        var (client, server) = MemoryConnection.CreatePair(Multiaddr.Parse($"/memory/{network.NextPort()}"), listener.LocalAddress);
        if (!listener.Offer(server))
        {
            throw new TransportException(TransportError.ConnectionRefused, $"/memory/{port} refused the connection (backlog full or closed).");
        }

        return ValueTask.FromResult<IDuplexConnection>(client);
    }

    private ulong Port(Multiaddr address) => CanHandle(address)
        ? ulong.Parse(address.Components[0].Value, System.Globalization.CultureInfo.InvariantCulture)
        : throw new TransportException(TransportError.UnsupportedAddress, $"Not a /memory address: {address}.");
}

/// <summary>A listener on one in-memory port.</summary>
internal sealed class MemoryListener(MemoryNetwork network, ulong port) : IConnectionListener
{
    private readonly Channel<MemoryConnection> _pending = Channel.CreateBounded<MemoryConnection>(MemoryTransport.Backlog);

    public Multiaddr LocalAddress { get; } = Multiaddr.Parse($"/memory/{port}");

    public bool Offer(MemoryConnection connection) => _pending.Writer.TryWrite(connection);

    public async ValueTask<IDuplexConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        network.Remove(port);
        _pending.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
