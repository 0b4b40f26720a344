using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Signal;

/// <summary>Settings of <see cref="SignalDiscoverySource"/>.</summary>
public sealed class SignalDiscoveryOptions
{
    /// <summary>The signal server, e.g. <c>/ip4/127.0.0.1/tcp/9090/ws/p2p-webrtc-star</c> (required).</summary>
    public Multiaddr? Server { get; set; }

    /// <summary>The room to join (default "casto").</summary>
    public string Room { get; set; } = "casto";

    /// <summary>Addresses advertised to the room's members (default none).</summary>
    public IReadOnlyList<Multiaddr> Addrs { get; set; } = [];

    /// <summary>Client settings (default <see cref="SignalClientOptions"/> defaults).</summary>
    public SignalClientOptions Client { get; set; } = new();

    /// <summary>Throws when <see cref="Server"/> or <see cref="Room"/> is missing.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Server, nameof(Server));
        ArgumentException.ThrowIfNullOrEmpty(Room, nameof(Room));
        ArgumentNullException.ThrowIfNull(Addrs, nameof(Addrs));
        ArgumentNullException.ThrowIfNull(Client, nameof(Client));
        Client.Validate();
    }
}

/// <summary>
/// Discovery through a star signal server: joins a room; each member (already there or joining later) is
/// <see cref="DiscoveryEventKind.Found"/> with the addresses it advertised, each leave is <see cref="DiscoveryEventKind.Lost"/>.
/// When the connection ends every member is reported lost. No reconnect: add a new source for that.
/// </summary>
public sealed class SignalDiscoverySource : IDiscoverySource
{
    private readonly PrivateKey _key;
    private readonly SignalDiscoveryOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private SignalClient? _client;
    private Task _pump = Task.CompletedTask;

    /// <summary>Creates the source; <paramref name="key"/> proves this node's peer id to the server.</summary>
    public SignalDiscoverySource(PrivateKey key, SignalDiscoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _key = key;
        _options = options;
    }

    /// <inheritdoc />
    public string Name => "signal";

    /// <inheritdoc />
    public async ValueTask StartAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        _client = await SignalClient.ConnectAsync(_options.Server!, _key, _options.Client, cancellationToken).ConfigureAwait(false);
        var members = await _client.JoinAsync(_options.Room, _options.Addrs, cancellationToken).ConfigureAwait(false);
        var known = new HashSet<PeerId>();
        foreach (var member in members)
        {
            known.Add(member.PeerId);
            sink.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, Name, member.PeerId, member.Addrs));
        }

        _pump = PumpAsync(_client, sink, known, _stop.Token);
    }

    private async Task PumpAsync(SignalClient client, IDiscoverySink sink, HashSet<PeerId> known, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in client.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (e.Room != _options.Room || e.Peer == client.PeerId)
                {
                    continue;
                }

                if (e.Kind == SignalEventKind.PeerJoined)
                {
                    known.Add(e.Peer);
                    sink.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, Name, e.Peer, e.Addrs));
                }
                else if (e.Kind == SignalEventKind.PeerLeft && known.Remove(e.Peer))
                {
                    sink.Publish(new DiscoveryEvent(DiscoveryEventKind.Lost, Name, e.Peer, []));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            foreach (var peer in known)
            {
                sink.Publish(new DiscoveryEvent(DiscoveryEventKind.Lost, Name, peer, []));
            }
        }
    }

    /// <summary>Leaves the room and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_client is { } client)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
