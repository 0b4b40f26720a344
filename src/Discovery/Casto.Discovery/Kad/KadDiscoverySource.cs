using Casto.Stack.Identity;
using Casto.Stack.Multiformats;

namespace Casto.Discovery.Kad;

/// <summary>Settings of <see cref="KadDiscoverySource"/>.</summary>
public sealed class KadDiscoveryOptions
{
    /// <summary>Content ids whose providers are looked up periodically, e.g. <see cref="KadKeys.ForStream"/> of a stream (default none).</summary>
    public IList<Cid> Keys { get; } = [];

    /// <summary>Time between provider lookups (default 1 min).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Providers taken per key and lookup (default 20).</summary>
    public int MaxProvidersPerKey { get; set; } = 20;

    /// <summary>Also report every peer entering (found) or leaving (lost) the routing table (default true).</summary>
    public bool ReportRoutingTable { get; set; } = true;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero, nameof(Interval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxProvidersPerKey, 1, nameof(MaxProvidersPerKey));
    }
}

/// <summary>
/// Feeds <see cref="PeerDiscovery"/> from a <see cref="KadDht"/> (source name "dht"): providers found for the configured
/// keys and, optionally, routing-table changes. Disposing stops the lookups; the DHT itself is not disposed.
/// </summary>
public sealed class KadDiscoverySource : IDiscoverySource
{
    private readonly KadDht _dht;
    private readonly KadDiscoveryOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private IDiscoverySink? _sink;
    private Task _loop = Task.CompletedTask;

    /// <summary>Creates the source over <paramref name="dht"/>.</summary>
    public KadDiscoverySource(KadDht dht, KadDiscoveryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dht);
        _dht = dht;
        _options = options ?? new KadDiscoveryOptions();
        _options.Validate();
    }

    /// <inheritdoc />
    public string Name => "dht";

    /// <inheritdoc />
    public ValueTask StartAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        _sink = sink;
        if (_options.ReportRoutingTable)
        {
            _dht.PeerDiscovered += OnFound;
            _dht.PeerRemoved += OnRemoved;
            foreach (var peer in _dht.RoutingTablePeers)
            {
                OnFound(this, peer);
            }
        }

        if (_options.Keys.Count > 0)
        {
            _loop = LoopAsync(sink, _stop.Token);
        }

        return ValueTask.CompletedTask;
    }

    private void OnFound(object? sender, KadPeer peer) =>
        _sink?.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, Name, peer.PeerId, peer.Addresses));

    private void OnRemoved(object? sender, PeerId peer) =>
        _sink?.Publish(new DiscoveryEvent(DiscoveryEventKind.Lost, Name, peer, []));

    private async Task LoopAsync(IDiscoverySink sink, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var key in _options.Keys)
            {
                try
                {
                    await foreach (var provider in _dht.FindProvidersAsync(key, _options.MaxProvidersPerKey, null, cancellationToken).ConfigureAwait(false))
                    {
                        if (provider.PeerId != _dht.PeerId)
                        {
                            sink.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, Name, provider.PeerId, provider.Addresses));
                        }
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }

            try
            {
                await Task.Delay(_options.Interval, _dht.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _dht.PeerDiscovered -= OnFound;
        _dht.PeerRemoved -= OnRemoved;
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
