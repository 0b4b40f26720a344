using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Hosting;

/// <content>Listening and dialing.</content>
public sealed partial class CastoHost
{
    /// <summary>Starts listening on one more address.</summary>
    public async ValueTask<Multiaddr> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        var transport = TransportFor(address);
        var listener = await transport.ListenAsync(address, cancellationToken).ConfigureAwait(false);
        var full = listener.LocalAddress.WithPeerId(PeerId);
        lock (_listeners)
        {
            _listeners.Add(listener);
            _listenAddresses.Add(full);
        }

        Log.Listening(full);
        lock (_background)
        {
            _background.Add(AcceptLoopAsync(listener));
        }

        return full;
    }

    /// <summary>
    /// Connects to the peer at <paramref name="address"/> (which should end in <c>/p2p/&lt;id&gt;</c>, checked
    /// against the handshake). Reuses an open connection to that peer.
    /// </summary>
    public async ValueTask<PeerConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var expected = address.PeerId;
        if (expected == PeerId)
        {
            throw new HostException(HostError.UnsupportedAddress, "Cannot dial ourselves.");
        }

        if (expected is not null && FindConnection(expected) is { } existing)
        {
            return existing;
        }

        if (_connections.Count >= Options.MaxConnections)
        {
            throw new HostException(HostError.LimitReached, $"The limit of {Options.MaxConnections} connections is reached.");
        }

        var transport = TransportFor(address);
        var raw = await transport.DialAsync(address, cancellationToken).ConfigureAwait(false);
        var (secure, muxed) = await _upgrader.UpgradeAsync(raw, outbound: true, expected, cancellationToken).ConfigureAwait(false);
        if (CountConnections(secure.RemotePeer) >= Options.MaxConnectionsPerPeer)
        {
            await muxed.DisposeAsync().ConfigureAwait(false);
            return FindConnection(secure.RemotePeer)
                ?? throw new HostException(HostError.LimitReached, $"Too many connections to {secure.RemotePeer}.");
        }

        return Register(secure, muxed, outbound: true);
    }

    /// <summary>Connects to a peer at one of the addresses the peer store knows.</summary>
    public async ValueTask<PeerConnection> DialAsync(PeerId peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (FindConnection(peer) is { } existing)
        {
            return existing;
        }

        Exception? last = null;
        foreach (var address in PeerStore.Get(peer)?.Addresses ?? [])
        {
            try
            {
                return await DialAsync(address.WithPeerId(peer), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException)
            {
                last = ex;
            }
        }

        throw new HostException(HostError.DialFailed, $"No address of {peer} could be dialed.", last);
    }

    /// <summary>Dials (or reuses a connection) and opens a stream for <paramref name="protocol"/>.</summary>
    public async ValueTask<StreamContext> NewStreamAsync(Multiaddr address, string protocol, CancellationToken cancellationToken = default)
    {
        var connection = await DialAsync(address, cancellationToken).ConfigureAwait(false);
        return await connection.NewStreamAsync(protocol, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An open connection to <paramref name="peer"/> that is not closing, or null.</summary>
    public PeerConnection? FindConnection(PeerId peer)
    {
        foreach (var connection in _connections.Keys)
        {
            if (connection.RemotePeer == peer && !connection.IsClosing)
            {
                return connection;
            }
        }

        return null;
    }

    private int CountConnections(PeerId peer) => _connections.Keys.Count(c => c.RemotePeer == peer && !c.IsClosing);

    private ITransport TransportFor(Multiaddr address) =>
        Options.Transports.FirstOrDefault(t => t.CanHandle(address))
        ?? throw new HostException(HostError.UnsupportedAddress, $"No transport handles {address}.");

    private async Task AcceptLoopAsync(IConnectionListener listener)
    {
        while (await AcceptOrNullAsync(listener).ConfigureAwait(false) is { } raw)
        {
            if (_connections.Count >= Options.MaxConnections || !_pendingInbound.Wait(0, CancellationToken.None))
            {
                Log.InboundRefused(raw.RemoteAddress);
                raw.Abort();
                await raw.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            _ = UpgradeInboundAsync(raw);
        }
    }

    private async ValueTask<IDuplexConnection?> AcceptOrNullAsync(IConnectionListener listener)
    {
        try
        {
            return await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }
    }

    private async Task UpgradeInboundAsync(IDuplexConnection raw)
    {
        try
        {
            var (secure, muxed) = await _upgrader.UpgradeAsync(raw, outbound: false, expectedPeer: null, _stopping.Token).ConfigureAwait(false);
            if (CountConnections(secure.RemotePeer) >= Options.MaxConnectionsPerPeer)
            {
                await muxed.DisposeAsync().ConfigureAwait(false);
                return;
            }

            Register(secure, muxed, outbound: false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or FormatException)
        {
            Log.InboundFailed(raw.RemoteAddress, ex);
            await raw.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            try
            {
                _pendingInbound.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
