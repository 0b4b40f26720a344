using Casto.Discovery.Kad;
using Casto.Stack.Multiformats;
using Casto.Stack.Protocols.Identify;
using Microsoft.Extensions.Logging;

namespace Casto.Relay.Tree;

/// <content>
/// The Kademlia DHT as a discovery source: every announced stream's key (<see cref="KadKeys.ForStream"/>, so any
/// libp2p DHT client finds the same providers) is provided, and its providers are looked up as candidate parents.
/// </content>
public sealed partial class TreeDiscovery
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private readonly List<Task> _dhtLoops = [];
    private readonly HashSet<(string Stream, bool Find)> _dhtStreams = [];
    private KadDht? _dht;
    private ILogger? _dhtLog;

    /// <summary>The DHT when <see cref="TreeDiscoveryOptions.Dht"/> is set, else <see langword="null"/>.</summary>
    public KadDht? Dht => _dht;

    /// <summary>Attaches the DHT to the peer's host (with identify, so DHT servers that connect enter the table) and bootstraps it.</summary>
    private async Task StartDhtAsync(KadDhtOptions options, CancellationToken cancellationToken)
    {
        var host = _peer.Host;
        var identify = host.Protocols.Contains(IdentifyService.Id, StringComparer.Ordinal) ? null : IdentifyService.Register(host);
        _dhtLog = _peer.Tree.Options.LoggerFactory.CreateLogger("Casto.Relay.Tree.Dht");
        _dht = KadDht.Create(host, options, identify);
        await _dht.BootstrapAsync(cancellationToken).ConfigureAwait(false); // an empty table is retried by each stream's loop
    }

    /// <summary>Provides <paramref name="stream"/>'s key and, with <paramref name="find"/>, keeps looking up its providers.</summary>
    private void StartDhtStream(string stream, bool find)
    {
        if (_dht is null)
        {
            return;
        }

        lock (_lock)
        {
            if (_dhtStreams.Add((stream, find)))
            {
                _dhtLoops.Add(Task.Run(() => DhtStreamAsync(_dht, stream, find, _stop.Token), CancellationToken.None));
            }
        }
    }

    /// <summary>Waits for the stream loops (after <see cref="_stop"/>) and stops the DHT.</summary>
    private async Task StopDhtAsync()
    {
        Task[] loops;
        lock (_lock)
        {
            loops = [.. _dhtLoops];
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
        if (_dht is not null)
        {
            await _dht.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task DhtStreamAsync(KadDht dht, string stream, bool find, CancellationToken cancellationToken)
    {
        var cid = KadKeys.ForStream(stream);
        var time = _peer.Tree.Options.TimeProvider;
        var retry = FirstRetry;
        var provided = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var found = 0;
                try
                {
                    if (dht.RoutingTableSize == 0)
                    {
                        await dht.BootstrapAsync(cancellationToken).ConfigureAwait(false);
                    }

                    found = find ? await FindAsync(dht, stream, cid, cancellationToken).ConfigureAwait(false) : 0;
                    if (!provided)
                    {
                        // Stored locally at once (a joiner bootstrapping from us finds us); done when a peer took it too; republished by the DHT.
                        provided = await dht.ProvideAsync(cid, null, cancellationToken).ConfigureAwait(false) > 0;
                    }
                }
                catch (IOException ex) // KadException, a host that stops: logged, retried
                {
                    Log.DhtFailed(_dhtLog!, stream, "lookup", ex.Message);
                }

                if (provided && !find)
                {
                    return;
                }

                var wait = found > 0 ? _options.DhtLookupInterval : retry;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, _options.DhtLookupInterval.Ticks));
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One provider lookup: every provider but us goes to the stream's subscribers as it arrives.</summary>
    private async Task<int> FindAsync(KadDht dht, string stream, Cid cid, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (KadPeer provider in dht.FindProvidersAsync(cid, _options.DhtMaxProviders, null, cancellationToken).ConfigureAwait(false))
        {
            if (provider.PeerId != _peer.PeerId && provider.Addresses.Count > 0)
            {
                count++;
                Publish(stream, [new TreeCandidate(provider.PeerId, provider.Addresses)]);
            }
        }

        Log.DhtProviders(_dhtLog!, stream, count);
        return count;
    }
}
