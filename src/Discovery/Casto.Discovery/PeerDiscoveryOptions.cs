namespace Casto.Discovery;

/// <summary>Limits of <see cref="PeerDiscovery"/>.</summary>
public sealed class PeerDiscoveryOptions
{
    /// <summary>Peers tracked at once across all sources (default 1,024); found events beyond it are dropped and counted.</summary>
    public int MaxPeers { get; set; } = 1024;

    /// <summary>Addresses kept per peer (default 32).</summary>
    public int MaxAddressesPerPeer { get; set; } = 32;

    /// <summary>Events buffered per subscriber (default 256); a slow subscriber loses its oldest events, counted in <see cref="PeerDiscovery.DroppedEvents"/>.</summary>
    public int SubscriberCapacity { get; set; } = 256;

    /// <summary>Subscribers at once (default 64).</summary>
    public int MaxSubscribers { get; set; } = 64;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a limit is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPeers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAddressesPerPeer, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriberCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSubscribers, 1);
    }
}
