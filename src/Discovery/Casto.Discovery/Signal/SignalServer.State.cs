using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Casto.Stack.Identity;

namespace Casto.Discovery.Signal;

/// <summary>Peers and rooms: all state changes under one lock, events queued in order while it is held.</summary>
public sealed partial class SignalServer
{
    private readonly Lock _lock = new();
    private readonly HashSet<SignalSession> _sessions = [];
    private int _roomWatchers;
    private readonly Dictionary<string, SignalSession> _peers = new(StringComparer.Ordinal); // by base58 peer id
    private readonly Dictionary<string, Dictionary<PeerId, Member>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, int> _perAddress = [];
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

    /// <summary>Counts a new connection from <paramref name="remote"/>; the HTTP status to refuse it with, or null.</summary>
    private int? TryAddPending(IPAddress? remote)
    {
        lock (_lock)
        {
            if (_disposed || _pending >= _options.MaxPendingConnections)
            {
                return StatusCodes.Status503ServiceUnavailable;
            }

            if (remote is not null)
            {
                var count = _perAddress.GetValueOrDefault(remote);
                if (count >= _options.MaxConnectionsPerAddress)
                {
                    return StatusCodes.Status429TooManyRequests;
                }

                _perAddress[remote] = count + 1;
            }

            _pending++;
            return null;
        }
    }

    private void RemovePending(IPAddress? remote)
    {
        lock (_lock)
        {
            _pending--;
            ReleaseAddressLocked(remote);
        }
    }

    private void ReleaseAddressLocked(IPAddress? remote)
    {
        if (remote is not null && _perAddress.TryGetValue(remote, out var count))
        {
            if (count <= 1)
            {
                _perAddress.Remove(remote);
            }
            else
            {
                _perAddress[remote] = count - 1;
            }
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

            _peers.TryGetValue(peerId.ToString(), out replaced);
            if (replaced is null && _peers.Count >= _options.MaxPeers)
            {
                return SignalError.ServerFull;
            }

            _peers[peerId.ToString()] = session;
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

            ReleaseAddressLocked(session.RemoteAddress);
            Unwatch(session);
            if (session.PeerId is not { } peerId)
            {
                _pending--;
                return;
            }

            if (_peers.TryGetValue(peerId.ToString(), out var current) && current == session)
            {
                _peers.Remove(peerId.ToString());
            }

            foreach (var room in session.Rooms)
            {
                RemoveMember(room, peerId, session, ref slow);
            }

            session.Rooms.Clear();
        }

        CloseSlow(slow);
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

        // Peers address each other by the base58 text the server hands out; other spellings (CIDv1) are normalized.
        SignalSession? target;
        lock (_lock)
        {
            _peers.TryGetValue(to, out target);
        }

        if (target is null && PeerId.TryParse(to, out var targetId))
        {
            lock (_lock)
            {
                _peers.TryGetValue(targetId.ToString(), out target);
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
