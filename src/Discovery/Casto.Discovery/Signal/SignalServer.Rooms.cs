using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Signal;

/// <summary>Rooms: join (member list to the joiner, peer-joined to the others), leave and peer-left, in order under the lock.</summary>
public sealed partial class SignalServer
{
    internal (SignalError Error, string Text)? Join(SignalSession session, long? id, string? room, IReadOnlyList<string>? addrs)
    {
        if (room is null || room.Length == 0 || room.Length > _options.MaxRoomNameLength || room.Any(char.IsControl))
        {
            return (SignalError.BadRoom, $"a room name is 1-{_options.MaxRoomNameLength} characters without control characters");
        }

        var advertised = addrs?.ToArray() ?? [];
        if (advertised.Any(a => !Multiaddr.TryParse(a, out _)))
        {
            return (SignalError.BadAddress, "an advertised address is not a multiaddr");
        }

        if (advertised.Sum(a => a.Length) > _options.MaxAdvertisedBytes)
        {
            return (SignalError.BadAddress, $"advertised addresses are at most {_options.MaxAdvertisedBytes} characters in all");
        }

        var peerId = session.PeerId!;
        var announce = SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.PeerJoined, Room = room, PeerId = peerId.ToString(), Addrs = advertised });
        List<SignalSession>? slow = null;
        lock (_lock)
        {
            if (!_sessions.Contains(session))
            {
                return null;
            }

            var rejoin = session.Rooms.Contains(room);
            if (!rejoin && session.Rooms.Count >= _options.MaxRoomsPerPeer)
            {
                return (SignalError.RoomLimit, $"at most {_options.MaxRoomsPerPeer} rooms per peer");
            }

            if (!_rooms.TryGetValue(room, out var members))
            {
                if (_rooms.Count >= _options.MaxRooms)
                {
                    return (SignalError.RoomLimit, $"at most {_options.MaxRooms} rooms on this server");
                }

                _rooms[room] = members = [];
                Opened(room, session, ref slow);
            }
            else if (!rejoin && members.Count >= _options.MaxPeersPerRoom)
            {
                return (SignalError.RoomFull, $"at most {_options.MaxPeersPerRoom} peers per room");
            }

            var list = members.Where(m => m.Key != peerId).Select(m => new SignalMember(m.Key.ToString(), m.Value.Addrs)).ToList();
            members[peerId] = new Member(session, advertised);
            session.Rooms.Add(room);
            if (!session.Send(SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Joined, Id = id, Room = room, Members = list })))
            {
                (slow ??= []).Add(session);
            }

            foreach (var (other, member) in members)
            {
                if (other != peerId && !member.Session.Send(announce))
                {
                    (slow ??= []).Add(member.Session);
                }
            }
        }

        CloseSlow(slow);
        return null;
    }

    internal (SignalError Error, string Text)? Leave(SignalSession session, long? id, string? room)
    {
        List<SignalSession>? slow = null;
        lock (_lock)
        {
            if (room is null || !session.Rooms.Remove(room))
            {
                return (SignalError.NotInRoom, "not in that room");
            }

            RemoveMember(room, session.PeerId!, session, ref slow);
            session.Send(SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Left, Id = id, Room = room }));
        }

        CloseSlow(slow);
        return null;
    }

    private void RemoveMember(string room, PeerId peerId, SignalSession session, ref List<SignalSession>? slow)
    {
        if (!_rooms.TryGetValue(room, out var members) || !members.TryGetValue(peerId, out var member) || member.Session != session)
        {
            return;
        }

        members.Remove(peerId);
        if (members.Count == 0)
        {
            _rooms.Remove(room);
            return;
        }

        var frame = SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.PeerLeft, Room = room, PeerId = peerId.ToString() });
        foreach (var other in members.Values)
        {
            if (!other.Session.Send(frame))
            {
                (slow ??= []).Add(other.Session);
            }
        }
    }
}
