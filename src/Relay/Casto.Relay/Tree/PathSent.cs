using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>
/// What a parent last told one child of its path and ancestors: a heartbeat leaves them out (<c>same_path</c>) while
/// they are the same lists (<see cref="TreePosition"/> keeps its lists when a new parent heartbeat repeats them) in the
/// same epoch, and carries them in full at least every <see cref="FullEvery"/> heartbeats.
/// </summary>
internal sealed class PathSent
{
    /// <summary>Heartbeats between two full ones at most: 10, once a second at the default 100 ms interval.</summary>
    public const int FullEvery = 10;

    private object? _path;
    private object? _ancestors;
    private ulong _epoch;
    private int _since;

    /// <summary>True when this heartbeat may leave them out; false (and remembered as sent) when it must carry them.</summary>
    public bool Unchanged(IReadOnlyList<PeerId> path, IReadOnlyList<TreeCandidate> ancestors, ulong epoch)
    {
        if (ReferenceEquals(path, _path) && ReferenceEquals(ancestors, _ancestors) && epoch == _epoch && ++_since < FullEvery)
        {
            return true;
        }

        (_path, _ancestors, _epoch, _since) = (path, ancestors, epoch, 0);
        return false;
    }
}
