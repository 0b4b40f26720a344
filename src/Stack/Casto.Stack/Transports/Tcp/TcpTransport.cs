// TCP transport: sockets exposed as pipes, Kestrel-style (one receive loop and one send loop per socket).
using System.Net;
using System.Net.Sockets;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Transports.Tcp;

/// <summary>Dials and listens on <c>/ip4|ip6/…/tcp/…</c>; <c>/dns|dns4|dns6</c> names are resolved on dial.</summary>
public sealed class TcpTransport : ITransport
{
    // Idle socket buffers the default pool keeps for reuse at most.
    private const long RetainedBytes = 64 * 1024 * 1024;

    private readonly TcpTransportOptions _options;

    /// <summary>Creates the transport.</summary>
    public TcpTransport(TcpTransportOptions? options = null)
    {
        _options = options ?? new TcpTransportOptions();
        _options.Validate();
        _options.MemoryPool ??= new Buffers.BlockMemoryPool(_options.ReceiveSize, maxRetainedBlocks: (int)Math.Max(1, RetainedBytes / _options.ReceiveSize));
    }

    /// <inheritdoc/>
    public bool CanHandle(Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return TcpAddress.TryParse(address, out _, out _);
    }

    /// <inheritdoc/>
    public async ValueTask<IConnectionListener> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        var endpoint = await TcpAddress.ResolveAsync(address, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(endpoint);
            socket.Listen(_options.Backlog);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new TransportException(TransportError.AddressInUse, $"Cannot listen on {address}: {ex.Message}", ex);
        }

        return new TcpConnectionListener(socket, _options);
    }

    /// <inheritdoc/>
    public async ValueTask<IDuplexConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        IPEndPoint endpoint;
        Socket? socket = null;
        try
        {
            endpoint = await TcpAddress.ResolveAsync(address, linked.Token).ConfigureAwait(false);
            socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = _options.NoDelay };
            await socket.ConnectAsync(endpoint, linked.Token).ConfigureAwait(false);
            return new SocketConnection(socket, _options);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket?.Dispose();
            throw new TransportException(TransportError.Timeout, $"Connecting to {address} timed out after {_options.ConnectTimeout}.");
        }
        catch (SocketException ex)
        {
            socket?.Dispose();
            throw new TransportException(TransportError.ConnectionRefused, $"Cannot connect to {address}: {ex.Message}", ex);
        }
        catch
        {
            socket?.Dispose();
            throw;
        }
    }
}

/// <summary>A listening socket.</summary>
internal sealed class TcpConnectionListener(Socket socket, TcpTransportOptions options) : IConnectionListener
{
    public Multiaddr LocalAddress { get; } = TcpAddress.ToMultiaddr(socket.LocalEndPoint);

    public async ValueTask<IDuplexConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                var accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
                accepted.NoDelay = options.NoDelay;
                return new SocketConnection(accepted, options);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                // The client gave up before we accepted; try the next one.
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return null;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
