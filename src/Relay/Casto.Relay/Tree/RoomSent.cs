namespace Casto.Relay.Tree;

/// <summary>
/// What a child last told its parent of the room in its subtree: a heartbeat leaves it out (<c>same_room</c>) while the
/// same nodes have the same depths and room, and carries it in full at least every <see cref="PathSent.FullEvery"/> heartbeats.
/// </summary>
internal sealed class RoomSent
{
    private List<TreeCandidate>? _room;
    private int _since;

    /// <summary>True when this heartbeat may leave <paramref name="room"/> out; false (and remembered as sent) when it must carry it.</summary>
    public bool Unchanged(List<TreeCandidate> room)
    {
        if (_room is not null && Same(room, _room) && ++_since < PathSent.FullEvery)
        {
            return true;
        }

        (_room, _since) = (room, 0);
        return false;
    }

    private static bool Same(List<TreeCandidate> a, List<TreeCandidate> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!a[i].PeerId.Equals(b[i].PeerId) || a[i].Depth != b[i].Depth || a[i].Free != b[i].Free)
            {
                return false;
            }
        }

        return true;
    }
}
