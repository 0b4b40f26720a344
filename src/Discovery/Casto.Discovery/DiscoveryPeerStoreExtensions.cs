using Casto.Stack.Hosting;

namespace Casto.Discovery;

/// <summary>Connects discovery to a host's peer store.</summary>
public static class DiscoveryPeerStoreExtensions
{
    /// <summary>Adds the addresses of every found peer to <paramref name="store"/> until <paramref name="cancellationToken"/> fires.</summary>
    public static async Task FeedAsync(this PeerDiscovery discovery, PeerStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        ArgumentNullException.ThrowIfNull(store);
        var reader = discovery.Subscribe();
        try
        {
            await foreach (var e in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (e.Kind == DiscoveryEventKind.Found)
                {
                    store.AddAddresses(e.PeerId, e.Addrs);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            discovery.Unsubscribe(reader);
        }
    }
}
