namespace Casto.Discovery.Signal;

/// <summary>The room directory: watch-rooms lists the rooms with members, then room-opened tells of new ones.</summary>
public sealed partial class SignalServer
{
    internal (SignalError Error, string Text)? WatchRooms(SignalSession session, long? id)
    {
        List<SignalSession>? slow = null;
        lock (_lock)
        {
            if (!_sessions.Contains(session))
            {
                return null;
            }

            if (!session.WatchesRooms && _roomWatchers >= _options.MaxRoomWatchers)
            {
                return (SignalError.RoomLimit, $"at most {_options.MaxRoomWatchers} peers watch the rooms of this server");
            }

            if (!session.WatchesRooms)
            {
                session.WatchesRooms = true;
                _roomWatchers++;
            }

            // At most MaxRooms names of at most MaxRoomNameLength characters: bounded by the server's own limits.
            if (!session.Send(SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Rooms, Id = id, RoomNames = [.. _rooms.Keys] })))
            {
                (slow ??= []).Add(session);
            }
        }

        CloseSlow(slow);
        return null;
    }

    /// <summary>Under the lock: a room got its first member (<paramref name="by"/>, which is told by its joined reply).</summary>
    private void Opened(string room, SignalSession by, ref List<SignalSession>? slow)
    {
        if (_roomWatchers == 0)
        {
            return;
        }

        byte[]? frame = null;
        foreach (var session in _sessions)
        {
            if (session.WatchesRooms && session != by)
            {
                frame ??= SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.RoomOpened, Room = room });
                if (!session.Send(frame))
                {
                    (slow ??= []).Add(session);
                }
            }
        }
    }

    /// <summary>Under the lock: a session that ends stops watching.</summary>
    private void Unwatch(SignalSession session)
    {
        if (session.WatchesRooms)
        {
            session.WatchesRooms = false;
            _roomWatchers--;
        }
    }
}
