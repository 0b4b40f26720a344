// Spec: docs/signal-protocol.md#tunnels
using System.Threading.Channels;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports;

namespace Casto.Discovery.Signal.Tunnel;

/// <summary>
/// A libp2p transport for peers that cannot be dialled (behind NAT, no listening socket): raw connections are byte
/// tunnels through a star signal server. Listening on <c>/ip4/…/tcp/…/ws/p2p-webrtc-star</c> registers there and
/// makes this peer reachable as <c>…/p2p-webrtc-star/p2p/OUR-ID</c>; dialling such an address opens a tunnel to that
/// peer. Noise and Yamux run on top as on any transport, so the peer is authenticated end to end (the server only
/// relays). For control traffic (the tree protocol, identify, ping): the server paces each peer's frames.
/// One signal connection per server, shared with discovery through <see cref="GetClientAsync"/> (a second
/// registration of the same peer id would replace the first).
/// </summary>
public sealed class SignalTransport : ITransport, IAsyncDisposable
{
    private readonly PrivateKey _key;
    private readonly Dictionary<string, Task<SignalClient>> _clients = [];
    private readonly Lock _lock = new();
    private int _disposed;

    /// <summary>Creates the transport; <paramref name="key"/> (kept by the caller) signs in to the servers.</summary>
    public SignalTransport(PrivateKey key, SignalTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        Options = options ?? new SignalTransportOptions();
        Options.Validate();
        _key = key;
    }

    /// <summary>The options in use.</summary>
    public SignalTransportOptions Options { get; }

    /// <inheritdoc/>
    public bool CanHandle(Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Components.Any(c => c.Protocol == MultiaddrProtocol.P2pWebRtcStar) && TryServer(address, out _);
    }

    /// <summary>
    /// The signal connection to <paramref name="server"/> (a star address, any <c>/p2p-webrtc-star</c> or
    /// <c>/p2p</c> ignored), connecting on first use; a connection that has ended is replaced.
    /// </summary>
    /// <exception cref="SignalException">The server cannot be reached or refuses us.</exception>
    public async Task<SignalClient> GetClientAsync(Multiaddr server, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!TryServer(server, out Multiaddr? bare))
        {
            throw new SignalException(SignalError.BadAddress, $"{server} is not a star signal server address.");
        }

        string name = bare.ToString();
        Task<SignalClient> connecting;
        lock (_lock)
        {
            if (!_clients.TryGetValue(name, out connecting!) || (connecting.IsCompleted && (!connecting.IsCompletedSuccessfully || connecting.Result.Completion.IsCompleted)))
            {
                connecting = SignalClient.ConnectAsync(bare.Encapsulate("/p2p-webrtc-star"), _key, Options.Signal, CancellationToken.None);
                _clients[name] = connecting;
            }
        }

        return await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IConnectionListener> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        SignalTunnels tunnels = await TunnelsAsync(address, cancellationToken).ConfigureAwait(false);
        return new Listener(tunnels, tunnels.Listen(Options.AcceptBacklog));
    }

    /// <inheritdoc/>
    public async ValueTask<IDuplexConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        PeerId peer = address.PeerId
            ?? throw new TransportException(TransportError.UnsupportedAddress, $"{address}: a tunnel needs the peer's /p2p/ID.");
        SignalTunnels tunnels = await TunnelsAsync(address, cancellationToken).ConfigureAwait(false);
        return await tunnels.OpenAsync(peer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes every signal connection it made (their tunnels are reset).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Task<SignalClient>[] clients;
        lock (_lock)
        {
            clients = [.. _clients.Values];
            _clients.Clear();
        }

        foreach (var connecting in clients)
        {
            await ((Task)connecting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (connecting.IsCompletedSuccessfully)
            {
                await connecting.Result.Tunnels(Options).DisposeAsync().ConfigureAwait(false);
                await connecting.Result.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<SignalTunnels> TunnelsAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        try
        {
            return (await GetClientAsync(address, cancellationToken).ConfigureAwait(false)).Tunnels(Options);
        }
        catch (SignalException ex)
        {
            throw new TransportException(
                ex.Error == SignalError.BadAddress ? TransportError.UnsupportedAddress : TransportError.ConnectionRefused,
                $"No signal server connection for {address}: {ex.Message}", ex);
        }
    }

    /// <summary>The server part of a star address (<c>/HOST/tcp/PORT/ws|wss</c>).</summary>
    private static bool TryServer(Multiaddr address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Multiaddr? server)
    {
        server = null;
        var c = address.Components;
        if (c.Count < 3)
        {
            return false;
        }

        server = address.Decapsulate(MultiaddrProtocol.P2pWebRtcStar).Decapsulate(MultiaddrProtocol.P2p);
        try
        {
            _ = SignalAddress.ToUri(server);
            return true;
        }
        catch (SignalException)
        {
            server = null;
            return false;
        }
    }

    private sealed class Listener(SignalTunnels tunnels, ChannelReader<SignalTunnel> accepts) : IConnectionListener
    {
        public Multiaddr LocalAddress => tunnels.Local;

        public async ValueTask<IDuplexConnection?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await accepts.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        public ValueTask DisposeAsync()
        {
            tunnels.StopListening();
            return ValueTask.CompletedTask;
        }
    }
}
