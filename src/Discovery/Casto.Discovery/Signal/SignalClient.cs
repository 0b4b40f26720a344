// Spec: docs/signal-protocol.md (Casto star signalling, JSON text frames over WebSocket)
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Signal;

/// <summary>
/// A star signalling client: connects to a server address (<c>/ip4/…/tcp/…/ws/p2p-webrtc-star</c>), proves its peer id
/// with its private key, joins rooms and relays signalling messages. Room events and incoming signals arrive on
/// <see cref="Events"/>; server pings are answered automatically.
/// </summary>
public sealed partial class SignalClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SignalClientOptions _options;
    private readonly PrivateKey _key;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _requestSlots;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<SignalMessage>> _requests = new();
    private readonly Channel<SignalEvent> _events;
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private byte[] _buffer = new byte[4096];
    private long _nextId;
    private long _lastFrame;
    private TimeSpan _serverHeartbeat = TimeSpan.FromSeconds(5);
    private ITimer? _watchdog;
    private TokenBucket? _pace; // the server's advertised rate (registered); used under _sendLock
    private Tunnel.SignalTunnels? _tunnels;
    private int _disposed;

    private SignalClient(ClientWebSocket socket, PrivateKey key, Multiaddr server, SignalClientOptions options)
    {
        _socket = socket;
        _key = key;
        _options = options;
        Server = server;
        _requestSlots = new SemaphoreSlim(options.MaxPendingRequests, options.MaxPendingRequests);
        _events = Channel.CreateBounded<SignalEvent>(new BoundedChannelOptions(options.EventCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>This client's (proven) peer id.</summary>
    public PeerId PeerId => _key.PeerId;

    /// <summary>The server address this client connected to.</summary>
    public Multiaddr Server { get; }

    /// <summary>Room events and relayed signals, in the order the server sent them; completes when the connection ends.</summary>
    public ChannelReader<SignalEvent> Events => _events.Reader;

    /// <summary>Completes when the connection has ended (see <see cref="CloseError"/>).</summary>
    public Task Completion => _receiving;

    /// <summary>Why the server closed the connection (e.g. <see cref="SignalError.Replaced"/>), once it has.</summary>
    public SignalError? CloseError { get; private set; }

    /// <summary>This client's tunnels (created on first use with <paramref name="options"/>): see <see cref="Tunnel.SignalTransport"/>.</summary>
    internal Tunnel.SignalTunnels Tunnels(Tunnel.SignalTransportOptions options)
    {
        lock (_requests)
        {
            return _tunnels ??= new Tunnel.SignalTunnels(this, options);
        }
    }

    /// <summary>Connects and registers; throws <see cref="SignalException"/> when the server refuses.</summary>
    public static async Task<SignalClient> ConnectAsync(
        Multiaddr server, PrivateKey key, SignalClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        options ??= new SignalClientOptions();
        options.Validate();
        var uri = SignalAddress.ToUri(server);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var client = new SignalClient(socket, key, server, options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
            await client.RegisterAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or SignalException)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new SignalException(SignalError.Timeout, $"could not register with {server} in {options.ConnectTimeout}", ex);
            }

            throw ex is SignalException ? ex : new SignalException(SignalError.ConnectionClosed, $"cannot connect to {server}: {ex.Message}", ex);
        }

        client._receiving = client.ReceiveLoopAsync();
        client.StartWatchdog();
        return client;
    }

    /// <summary>Joins <paramref name="room"/> advertising <paramref name="addrs"/>; returns the other members.</summary>
    public async Task<IReadOnlyList<SignalPeer>> JoinAsync(string room, IReadOnlyList<Multiaddr>? addrs = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        var reply = await RequestAsync(id => new SignalMessage
        {
            Type = SignalMessageType.Join,
            Id = id,
            Room = room,
            Addrs = addrs?.Select(a => a.ToString()).ToArray() ?? [],
        }, cancellationToken).ConfigureAwait(false);
        var members = new List<SignalPeer>();
        foreach (var member in reply.Members ?? [])
        {
            if (ToPeer(member.PeerId, member.Addrs) is { } peer)
            {
                members.Add(peer);
            }
        }

        return members;
    }

    /// <summary>
    /// The server's rooms that have members now; from then on a <see cref="SignalEventKind.RoomOpened"/> event tells of
    /// each room that gets its first member (how a relay serves every stream announced on a server).
    /// </summary>
    public async Task<IReadOnlyList<string>> WatchRoomsAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(id => new SignalMessage { Type = SignalMessageType.WatchRooms, Id = id }, cancellationToken).ConfigureAwait(false);
        return reply.RoomNames ?? [];
    }

    /// <summary>Leaves <paramref name="room"/>.</summary>
    public async Task LeaveAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        await RequestAsync(id => new SignalMessage { Type = SignalMessageType.Leave, Id = id, Room = room }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Relays <paramref name="data"/> to <paramref name="to"/>; completes when the server has queued it, throws <see cref="SignalException"/> (<see cref="SignalError.UnknownPeer"/>, …) otherwise.</summary>
    public async Task SendAsync(PeerId to, SignalKind kind, string data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(data);
        await RequestAsync(id => new SignalMessage { Type = SignalMessageType.Signal, Id = id, To = to.ToString(), Kind = kind, Data = data }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Checks every server heartbeat interval that the server is still sending (it pings at that interval).</summary>
    private void StartWatchdog()
    {
        var silence = _options.ServerSilenceTimeout ?? TimeSpan.FromTicks(Math.Max(3 * _serverHeartbeat.Ticks, TimeSpan.TicksPerSecond * 10));
        _watchdog = _options.TimeProvider.CreateTimer(
            _ =>
            {
                if (_options.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastFrame)) > silence && !_receiving.IsCompleted)
                {
                    CloseError ??= SignalError.HeartbeatTimeout;
                    _socket.Abort();
                }
            },
            null,
            _serverHeartbeat,
            _serverHeartbeat);
    }

    private static SignalPeer? ToPeer(string? peerId, IReadOnlyList<string>? addrs)
    {
        if (!PeerId.TryParse(peerId, out var id))
        {
            return null;
        }

        var parsed = new List<Multiaddr>();
        foreach (var text in addrs ?? [])
        {
            if (Multiaddr.TryParse(text, out var address))
            {
                parsed.Add(address);
            }
        }

        return new SignalPeer(id, parsed);
    }
}
