using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Hosting;

/// <summary>What the host knows about a peer (fed by identify and by dials).</summary>
public sealed record PeerInfo(
    PeerId Peer,
    IReadOnlyList<Multiaddr> Addresses,
    IReadOnlyList<string> Protocols,
    string? AgentVersion,
    string? ProtocolVersion,
    Multiaddr? ObservedAddress);

/// <summary>A bounded store of peer information; the least recently updated peer is evicted first.</summary>
public sealed class PeerStore(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PeerId, LinkedListNode<PeerInfo>> _entries = [];
    private readonly LinkedList<PeerInfo> _order = new();

    /// <summary>Number of peers stored.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The stored information about <paramref name="peer"/>, if any.</summary>
    public PeerInfo? Get(PeerId peer)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(peer, out var node) ? node.Value : null;
        }
    }

    /// <summary>Adds or replaces what is known about a peer.</summary>
    public void Update(PeerInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        lock (_lock)
        {
            if (_entries.Remove(info.Peer, out var existing))
            {
                _order.Remove(existing);
            }
            else if (_entries.Count >= capacity && _order.First is { } oldest)
            {
                _entries.Remove(oldest.Value.Peer);
                _order.RemoveFirst();
            }

            _entries[info.Peer] = _order.AddLast(info);
        }
    }

    /// <summary>Adds addresses for a peer, keeping what else is known.</summary>
    public void AddAddresses(PeerId peer, IEnumerable<Multiaddr> addresses)
    {
        var current = Get(peer) ?? new PeerInfo(peer, [], [], null, null, null);
        Update(current with { Addresses = [.. current.Addresses.Union(addresses).Take(PeerStoreLimits.MaxAddressesPerPeer)] });
    }
}

/// <summary>Per-peer bounds of the peer store.</summary>
public static class PeerStoreLimits
{
    /// <summary>Addresses kept per peer.</summary>
    public const int MaxAddressesPerPeer = 32;

    /// <summary>Protocols kept per peer.</summary>
    public const int MaxProtocolsPerPeer = 128;
}
