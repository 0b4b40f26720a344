using Casto.Stack.Hosting;
using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <content>
/// Keeps the host's connection manager off warm grandparent connections (<see cref="TreeMembership"/>): they carry no
/// stream while the parent lives, so they look idle. A peer kept warm by any membership is protected with one tag.
/// </content>
public sealed partial class TreeNode
{
    /// <summary>The protection tag of warm grandparent connections.</summary>
    internal const string WarmTag = "tree-warm";

    private readonly Dictionary<PeerId, int> _warmHolds = []; // at most one entry per membership
    private readonly Lock _warmGate = new();

    /// <summary>A membership keeps <paramref name="peer"/> warm: protect it (first holder only).</summary>
    internal void HoldWarm(PeerId peer)
    {
        lock (_warmGate)
        {
            _warmHolds[peer] = _warmHolds.GetValueOrDefault(peer) + 1;
            if (_warmHolds[peer] > 1)
            {
                return;
            }

            try
            {
                _host.Protect(peer, WarmTag);
            }
            catch (HostException)
            {
                // the host's protection limit is reached: the warm connection may be trimmed, a rejoin then dials
            }
        }
    }

    /// <summary>A membership no longer keeps <paramref name="peer"/> warm: unprotect it once no membership does.</summary>
    internal void ReleaseWarm(PeerId peer)
    {
        lock (_warmGate)
        {
            if (!_warmHolds.TryGetValue(peer, out var holds))
            {
                return;
            }

            if (holds > 1)
            {
                _warmHolds[peer] = holds - 1;
                return;
            }

            _warmHolds.Remove(peer);
            _host.Unprotect(peer, WarmTag);
        }
    }
}
