using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Kad;

/// <summary>
/// Provider records by key (the multihash bytes of a CID), each provider with its addresses and expiry.
/// Bounded in keys and providers per key; what does not fit is dropped and counted.
/// </summary>
internal sealed class ProviderStore(KadDhtOptions options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<PeerId, (Multiaddr[] Addrs, DateTimeOffset Expires)>> _byKey = new(StringComparer.Ordinal);
    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);

    public int KeyCount
    {
        get
        {
            lock (_lock)
            {
                return _byKey.Count;
            }
        }
    }

    /// <summary>Adds or renews <paramref name="provider"/> for <paramref name="key"/>; false when a limit dropped it.</summary>
    public bool Add(ReadOnlySpan<byte> key, PeerId provider, IReadOnlyList<Multiaddr> addrs)
    {
        var name = Convert.ToHexString(key);
        var expires = options.TimeProvider.GetUtcNow() + options.ProviderValidity;
        lock (_lock)
        {
            if (!_byKey.TryGetValue(name, out var providers))
            {
                if (_byKey.Count >= options.MaxProviderKeys)
                {
                    Prune();
                }

                if (_byKey.Count >= options.MaxProviderKeys)
                {
                    Interlocked.Increment(ref _dropped);
                    return false;
                }

                _byKey[name] = providers = [];
            }

            if (!providers.ContainsKey(provider) && providers.Count >= options.MaxProvidersPerKey)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }

            providers[provider] = ([.. addrs.Take(options.MaxAddressesPerPeer)], expires);
            return true;
        }
    }

    /// <summary>The unexpired providers of <paramref name="key"/>.</summary>
    public List<KadPeer> Get(ReadOnlySpan<byte> key)
    {
        var now = options.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            return _byKey.TryGetValue(Convert.ToHexString(key), out var providers)
                ? [.. providers.Where(p => p.Value.Expires > now).Select(p => new KadPeer(p.Key, p.Value.Addrs))]
                : [];
        }
    }

    /// <summary>Removes expired records.</summary>
    public void Prune()
    {
        var now = options.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            foreach (var (key, providers) in _byKey.ToList())
            {
                foreach (var expired in providers.Where(p => p.Value.Expires <= now).Select(p => p.Key).ToList())
                {
                    providers.Remove(expired);
                }

                if (providers.Count == 0)
                {
                    _byKey.Remove(key);
                }
            }
        }
    }
}
