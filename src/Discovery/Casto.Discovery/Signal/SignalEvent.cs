using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Signal;

/// <summary>What a <see cref="SignalEvent"/> reports.</summary>
public enum SignalEventKind
{
    /// <summary>A peer joined a room this client is in (or re-joined with new addresses).</summary>
    PeerJoined,
    /// <summary>A peer left a room this client is in, or disconnected.</summary>
    PeerLeft,
    /// <summary>A peer relayed a signalling message to this client.</summary>
    Signal,
    /// <summary>A room got its first member (after <see cref="SignalClient.WatchRoomsAsync"/>); the event's peer is this client.</summary>
    RoomOpened,
}

/// <summary>A room member: its peer id and the addresses it advertised when joining.</summary>
public sealed record SignalPeer(PeerId PeerId, IReadOnlyList<Multiaddr> Addrs);

/// <summary>
/// Something the server told this client: a room event (<see cref="Room"/>, <see cref="Addrs"/>) or a relayed
/// signal (<see cref="SignalKind"/>, <see cref="Data"/>) from <see cref="Peer"/>.
/// </summary>
public sealed record SignalEvent(SignalEventKind Kind, PeerId Peer, string? Room, IReadOnlyList<Multiaddr> Addrs, SignalKind SignalKind, string? Data);
