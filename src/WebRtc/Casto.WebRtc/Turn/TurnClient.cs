// Spec: https://www.rfc-editor.org/rfc/rfc8656 (TURN), https://www.rfc-editor.org/rfc/rfc8489#section-9.2 (long-term credentials)
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Turn;

/// <summary>Receives one datagram relayed from <paramref name="peer"/> (the span is only valid during the call).</summary>
internal delegate void TurnDataHandler(ReadOnlySpan<byte> data, SocketAddress peer);

/// <summary>
/// A TURN client holding one UDP allocation (RFC 8656) on its own UDP socket. <see cref="AllocateAsync"/> authenticates
/// with the long-term mechanism (401 → REALM/NONCE, 438 stale nonce retried) and keeps the allocation, its permissions
/// and channel bindings refreshed on a <see cref="TimeProvider"/> timer. Data goes out as ChannelData once a channel is
/// bound to the peer, as Send indications before; relayed data (ChannelData or Data indications) is handed to
/// <see cref="DataReceived"/>. Disposal deallocates (Refresh with LIFETIME 0).
/// </summary>
internal sealed partial class TurnClient : IAsyncDisposable
{
    private readonly TurnClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Socket _socket;
    private readonly SocketAddress _server;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _receiveLoop = Task.CompletedTask;
    private ITimer? _timer;
    private bool _disposed;

    private TurnClient(TurnClientOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        var server = options.Server!;
        _server = server.Serialize();
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            var local = options.LocalAddress ?? (server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
            _socket.Bind(new IPEndPoint(local, 0));
        }
        catch (SocketException ex)
        {
            _socket.Dispose();
            throw new TurnException(TurnError.SocketError, "Cannot bind the TURN client's UDP socket.", ex);
        }
    }

    /// <summary>Relayed data from peers. Called on the receive thread; must not block.</summary>
    public TurnDataHandler? DataReceived { get; set; }

    /// <summary>The relayed transport address (XOR-RELAYED-ADDRESS): the relay candidate.</summary>
    public IPEndPoint RelayedAddress { get; private set; } = new(IPAddress.None, 0);

    /// <summary>Our address as the server saw it (XOR-MAPPED-ADDRESS of the Allocate response), or null.</summary>
    public IPEndPoint? MappedAddress { get; private set; }

    /// <summary>The local address of the client's socket.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Lifetime granted by the last Allocate or Refresh.</summary>
    public TimeSpan Lifetime { get; private set; }

    /// <summary>Successful Refresh transactions (automatic or explicit).</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    /// <summary>Datagrams relayed to us (ChannelData or Data indication) and handed to <see cref="DataReceived"/>.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Datagrams dropped as malformed or from an unknown channel or source.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Background refreshes, permissions or channel binds that failed.</summary>
    public long BackgroundFailures => Interlocked.Read(ref _backgroundFailures);

    /// <summary>Transactions that ended in a verified success response.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>438 Stale Nonce answers that were retried with the new nonce.</summary>
    public long StaleNonces => Interlocked.Read(ref _staleNonces);

    private long _staleNonces;
    private long _transactions;
    private long _refreshes;
    private long _received;
    private long _dropped;
    private long _backgroundFailures;

    /// <summary>Binds a socket, allocates a UDP relay and starts the refresh timer. Throws <see cref="TurnException"/>.</summary>
    public static async Task<TurnClient> AllocateAsync(TurnClientOptions options, TurnDataHandler? dataReceived = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var client = new TurnClient(options) { DataReceived = dataReceived };
        try
        {
            client._receiveLoop = client.ReceiveLoopAsync(client._closing.Token);
            await client.SendAllocateAsync(cancellationToken).ConfigureAwait(false);
            client._timer = client._time.CreateTimer(static s => ((TurnClient)s!).OnTick(), client, options.MaintenanceInterval, options.MaintenanceInterval);
            return client;
        }
        catch
        {
            await client.CloseAsync(deallocate: false).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="data"/> to <paramref name="peer"/> through the relay: ChannelData when a channel is bound,
    /// a Send indication otherwise (the peer needs a permission either way). Synchronous, pooled, lossy like UDP:
    /// returns false when the socket refused the datagram.
    /// </summary>
    public bool Send(ReadOnlySpan<byte> data, IPEndPoint peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ushort channel = 0;
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            if (_channelsByPeer.TryGetValue(peer, out var binding) && binding.Bound)
            {
                channel = binding.Number;
            }
        }

        var buffer = ArrayPool<byte>.Shared.Rent(data.Length + 64);
        try
        {
            int length;
            if (channel != 0)
            {
                length = TurnChannelData.Write(buffer, channel, data, _options.PadChannelData);
            }
            else
            {
                Span<byte> transactionId = stackalloc byte[StunMessage.TransactionIdSize];
                System.Security.Cryptography.RandomNumberGenerator.Fill(transactionId);
                var writer = new StunWriter(buffer, StunClass.Indication, StunMethod.Send, transactionId);
                writer.AddXorPeerAddress(peer);
                writer.AddData(data);
                length = writer.Length;
            }

            _socket.SendTo(buffer.AsSpan(0, length), SocketFlags.None, _server);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync() => CloseAsync(deallocate: true);

    private async ValueTask CloseAsync(bool deallocate)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        if (deallocate && Lifetime > TimeSpan.Zero)
        {
            try
            {
                // RFC 8656 §7.2: a Refresh with LIFETIME 0 deletes the allocation. One transmission, bounded wait.
                await RequestAsync(StunMethod.Refresh, static (ref StunWriter w, object? _) => w.AddLifetime(0), null, transmissions: 1,
                    _options.DeallocateTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TurnException)
            {
                // The server expires it on its own.
            }
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new TurnException(TurnError.Closed, "The TURN client was disposed."));
            }

            _pending.Clear();
        }

        _closing.Dispose();
    }
}
