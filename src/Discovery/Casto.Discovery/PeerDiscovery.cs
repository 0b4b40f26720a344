using System.Threading.Channels;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery;

/// <summary>
/// Runs several discovery sources at once and turns what they report into one stream of
/// found/lost events: repeated sightings with the same addresses are folded, the set of peers is bounded,
/// and every subscriber gets its own bounded queue so a slow reader cannot hold up a source.
/// </summary>
public sealed class PeerDiscovery : IDiscoverySink, IAsyncDisposable
{
    private readonly PeerDiscoveryOptions _options;
    private readonly Lock _lock = new();
    private readonly List<IDiscoverySource> _sources = [];
    private readonly Dictionary<PeerId, Dictionary<string, Multiaddr[]>> _peers = [];
    private readonly List<Channel<DiscoveryEvent>> _subscribers = [];
    private long _dropped;
    private bool _started;
    private bool _disposed;

    /// <summary>Creates an empty discovery hub.</summary>
    public PeerDiscovery(PeerDiscoveryOptions? options = null)
    {
        _options = options ?? new PeerDiscoveryOptions();
        _options.Validate();
    }

    /// <summary>Events dropped because a subscriber was full or the peer limit was reached.</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>The peers currently known, with the union of their addresses over all sources.</summary>
    public IReadOnlyList<(PeerId PeerId, IReadOnlyList<Multiaddr> Addrs)> Peers
    {
        get
        {
            lock (_lock)
            {
                return [.. _peers.Select(p => (p.Key, (IReadOnlyList<Multiaddr>)[.. p.Value.Values.SelectMany(a => a).Distinct()]))];
            }
        }
    }

    /// <summary>Adds a source; sources added after <see cref="StartAsync"/> start at once.</summary>
    public async ValueTask AddAsync(IDiscoverySource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        bool start;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _sources.Add(source);
            start = _started;
        }

        if (start)
        {
            await source.StartAsync(this, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts every source added so far.</summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        IDiscoverySource[] sources;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _started = true;
            sources = [.. _sources];
        }

        foreach (var source in sources)
        {
            await source.StartAsync(this, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A new subscription that sees every event published from now on.</summary>
    public ChannelReader<DiscoveryEvent> Subscribe()
    {
        var channel = Channel.CreateBounded<DiscoveryEvent>(
            new BoundedChannelOptions(_options.SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_subscribers.Count >= _options.MaxSubscribers)
            {
                throw new InvalidOperationException($"at most {_options.MaxSubscribers} subscribers (PeerDiscoveryOptions.MaxSubscribers)");
            }

            _subscribers.Add(channel);
        }

        return channel.Reader;
    }

    /// <summary>Ends a subscription made by <see cref="Subscribe"/>.</summary>
    public void Unsubscribe(ChannelReader<DiscoveryEvent> reader)
    {
        lock (_lock)
        {
            var index = _subscribers.FindIndex(c => c.Reader == reader);
            if (index >= 0)
            {
                _subscribers[index].Writer.TryComplete();
                _subscribers.RemoveAt(index);
            }
        }
    }

    /// <inheritdoc />
    public void Publish(DiscoveryEvent discoveryEvent)
    {
        ArgumentNullException.ThrowIfNull(discoveryEvent);
        lock (_lock)
        {
            if (_disposed || !Apply(discoveryEvent, out var normalized))
            {
                return;
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(normalized);
            }
        }
    }

    private bool Apply(DiscoveryEvent e, out DiscoveryEvent normalized)
    {
        normalized = e;
        if (e.Kind == DiscoveryEventKind.Lost)
        {
            if (!_peers.TryGetValue(e.PeerId, out var bySource) || !bySource.Remove(e.Source))
            {
                return false;
            }

            if (bySource.Count == 0)
            {
                _peers.Remove(e.PeerId);
            }

            normalized = e with { Addrs = [] };
            return true;
        }

        var addrs = e.Addrs.Distinct().Take(_options.MaxAddressesPerPeer).ToArray();
        if (!_peers.TryGetValue(e.PeerId, out var sources))
        {
            if (_peers.Count >= _options.MaxPeers)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }

            _peers[e.PeerId] = sources = [];
        }
        else if (sources.TryGetValue(e.Source, out var known) && known.Length == addrs.Length && !known.Except(addrs).Any())
        {
            return false;
        }

        sources[e.Source] = addrs;
        normalized = e with { Addrs = addrs };
        return true;
    }

    /// <summary>Stops every source (each sends its goodbyes) and completes all subscriptions.</summary>
    public async ValueTask DisposeAsync()
    {
        IDiscoverySource[] sources;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            sources = [.. _sources];
        }

        foreach (var source in sources)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }
}
