using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Connections;

/// <summary>A transport: listen on and dial multiaddrs (TCP, in-memory, later WebSocket and WebRTC).</summary>
public interface ITransport
{
    /// <summary>True when this transport can dial or listen on <paramref name="address"/>.</summary>
    bool CanHandle(Multiaddr address);

    /// <summary>Starts listening; the listener's <see cref="IConnectionListener.LocalAddress"/> has the real port.</summary>
    ValueTask<IConnectionListener> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default);

    /// <summary>Opens a raw connection to <paramref name="address"/> (any trailing <c>/p2p/…</c> is ignored here).</summary>
    ValueTask<IDuplexConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default);
}

/// <summary>Accepts inbound raw connections. Disposing stops listening.</summary>
public interface IConnectionListener : IAsyncDisposable
{
    /// <summary>The bound address (with the assigned port when listening on port 0).</summary>
    Multiaddr LocalAddress { get; }

    /// <summary>The next inbound connection, or null once the listener is disposed.</summary>
    ValueTask<IDuplexConnection?> AcceptAsync(CancellationToken cancellationToken = default);
}
