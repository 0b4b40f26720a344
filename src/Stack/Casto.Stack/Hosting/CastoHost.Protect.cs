using Casto.Stack.Identity;

namespace Casto.Stack.Hosting;

/// <content>Protection: peers whose connections the connection manager never closes, each held by one or more tags.</content>
public sealed partial class CastoHost
{
    private readonly Dictionary<PeerId, HashSet<string>> _protected = [];
    private readonly Lock _protectGate = new();

    /// <summary>
    /// Keeps the connection manager from closing connections to <paramref name="peer"/> until every tag is removed with
    /// <see cref="Unprotect"/> (e.g. a protocol that needs a long-lived connection with no open stream). Protecting
    /// twice with one tag is the same as once. Bounded by <see cref="ConnectionManagerOptions.MaxTagsPerPeer"/> and
    /// <see cref="ConnectionManagerOptions.MaxProtectedPeers"/> (<see cref="HostError.LimitReached"/>).
    /// </summary>
    public void Protect(PeerId peer, string tag)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var limits = Options.ConnectionManager;
        if (tag.Length > limits.MaxTagLength)
        {
            throw new ArgumentException($"A protection tag has at most {limits.MaxTagLength} characters.", nameof(tag));
        }

        lock (_protectGate)
        {
            if (_protected.TryGetValue(peer, out var tags))
            {
                if (!tags.Contains(tag) && tags.Count >= limits.MaxTagsPerPeer)
                {
                    throw new HostException(HostError.LimitReached, $"{peer} already carries {tags.Count} protection tags.");
                }

                tags.Add(tag);
                return;
            }

            if (_protected.Count >= limits.MaxProtectedPeers)
            {
                throw new HostException(HostError.LimitReached, $"{_protected.Count} peers are protected already.");
            }

            _protected[peer] = new HashSet<string>(StringComparer.Ordinal) { tag };
        }
    }

    /// <summary>Removes one protection tag of <paramref name="peer"/>; returns true while other tags still protect it.</summary>
    public bool Unprotect(PeerId peer, string tag)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        lock (_protectGate)
        {
            if (!_protected.TryGetValue(peer, out var tags))
            {
                return false;
            }

            tags.Remove(tag);
            if (tags.Count == 0)
            {
                _protected.Remove(peer);
                return false;
            }

            return true;
        }
    }

    /// <summary>True when <paramref name="peer"/> carries <paramref name="tag"/>, or any tag when <paramref name="tag"/> is null.</summary>
    public bool IsProtected(PeerId peer, string? tag = null)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_protectGate)
        {
            return _protected.TryGetValue(peer, out var tags) && (tag is null || tags.Contains(tag));
        }
    }
}
