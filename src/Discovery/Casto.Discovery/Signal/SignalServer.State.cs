using System.Text;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Signal;

/// <summary>Peers and rooms: all state changes under one lock, events queued in order while it is held.</summary>
public sealed partial class SignalServer
{
    private readonly Lock _lock = new();
    private readonly HashSet<SignalSession> _sessions = [];
    private readonly Dictionary<PeerId, SignalSession> _peers = [];
    private readonly Dictionary<string, Dictionary<PeerId, Member>> _rooms = new(StringComparer.Ordinal);
    private int _pending;
    private bool _disposed;

    private sealed record Member(SignalSession Session, string[] Addrs);

    /// <summary>Registered peers now.</summary>
    public int PeerCount
    {
        get
        {
            lock (_lock)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>Rooms with at least one peer now.</summary>
    public int RoomCount
    {
        get
        {
            lock (_lock)
            {
                return _rooms.Count;
            }
        }
    }

    private bool TryAddPending()
    {
        lock (_lock)
        {
            if (_disposed || _pending >= _options.MaxPendingConnections)
            {
                return false;
            }

            _pending++;
            return true;
        }
    }

    private void RemovePending()
    {
        lock (_lock)
        {
            _pending--;
        }
    }

    private void Track(SignalSession session)
    {
        lock (_lock)
        {
            _sessions.Add(session);
        }
    }

    private SignalSession[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _sessions];
        }
    }

    private bool MarkDisposed()
    {
        lock (_lock)
        {
            var first = !_disposed;
            _disposed = true;
            return first;
        }
    }

    /// <summary>Registers <paramref name="session"/> as <paramref name="peerId"/>; an older session of that peer is replaced.</summary>
    internal SignalError? Register(SignalSession session, PeerId peerId)
    {
        SignalSession? replaced;
        lock (_lock)
        {
            if (!_sessions.Contains(session))
            {
                return SignalError.ConnectionClosed;
            }

            _peers.TryGetValue(peerId, out replaced);
            if (replaced is null && _peers.Count >= _options.MaxPeers)
            {
                return SignalError.ServerFull;
            }

            _peers[peerId] = session;
            session.PeerId = peerId;
            _pending--;
        }

        replaced?.Close(SignalError.Replaced, "a newer session registered with this peer id");
        _log.Registered(peerId.ToString());
        return null;
    }

    /// <summary>Removes a closing session: its rooms announce its leave. Idempotent.</summary>
    internal void Detach(SignalSession session)
    {
        List<SignalSession>? slow = null;
        lock (_lock)
        {
            if (!_sessions.Remove(session))
            {
                return;
            }

            if (session.PeerId is not { } peerId)
            {
                _pending--;
                return;
            }

            if (_peers.TryGetValue(peerId, out var current) && current == session)
            {
                _peers.Remove(peerId);
            }

            foreach (var room in session.Rooms)
            {
                RemoveMember(room, peerId, session, ref slow);
            }

            session.Rooms.Clear();
        }

        CloseSlow(slow);
    }

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

    internal (SignalError Error, string Text)? Relay(SignalSession session, SignalMessage message)
    {
        if (message.Kind is not { } kind || message.Data is not { } data || message.To is not { } to)
        {
            return (SignalError.BadMessage, "signal needs to, kind and data");
        }

        if (Encoding.UTF8.GetByteCount(data) > _options.MaxPayloadBytes)
        {
            return (SignalError.PayloadTooLarge, $"signal data is at most {_options.MaxPayloadBytes} bytes");
        }

        SignalSession? target = null;
        if (PeerId.TryParse(to, out var targetId))
        {
            lock (_lock)
            {
                _peers.TryGetValue(targetId, out target);
            }
        }

        if (target is null)
        {
            return (SignalError.UnknownPeer, "no such peer connected");
        }

        var frame = SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Signal, From = session.Name, Kind = kind, Data = data });
        if (!target.Send(frame))
        {
            target.Close(SignalError.SlowConsumer, "send queue full");
            return (SignalError.UnknownPeer, "peer is gone");
        }

        return null;
    }

    private static void CloseSlow(List<SignalSession>? slow)
    {
        foreach (var session in slow ?? [])
        {
            session.Close(SignalError.SlowConsumer, "send queue full");
        }
    }
}
