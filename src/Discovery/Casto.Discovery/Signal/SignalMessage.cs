namespace Casto.Discovery.Signal;

/// <summary>The <c>type</c> of a signalling message (wire names in docs/signal-protocol.md).</summary>
public enum SignalMessageType
{
    /// <summary><c>challenge</c> (server → peer): the nonce to sign.</summary>
    Challenge,
    /// <summary><c>register</c> (peer → server): public key and signature over the challenge.</summary>
    Register,
    /// <summary><c>registered</c> (server → peer): authentication succeeded.</summary>
    Registered,
    /// <summary><c>join</c> (peer → server): enter a room, advertising addresses.</summary>
    Join,
    /// <summary><c>joined</c> (server → peer): the room's other members.</summary>
    Joined,
    /// <summary><c>leave</c> (peer → server).</summary>
    Leave,
    /// <summary><c>left</c> (server → peer): reply to leave.</summary>
    Left,
    /// <summary><c>peer-joined</c> (server → room members).</summary>
    PeerJoined,
    /// <summary><c>peer-left</c> (server → room members).</summary>
    PeerLeft,
    /// <summary><c>signal</c>: peer → server with <c>to</c>, server → target with <c>from</c>.</summary>
    Signal,
    /// <summary><c>ack</c> (server → peer): a signal with an id was queued for its target.</summary>
    Ack,
    /// <summary><c>error</c> (server → peer).</summary>
    Error,
    /// <summary><c>ping</c> (either way).</summary>
    Ping,
    /// <summary><c>pong</c> (either way).</summary>
    Pong,
    /// <summary><c>watch-rooms</c> (peer → server): list the server's rooms, and tell me of new ones.</summary>
    WatchRooms,
    /// <summary><c>rooms</c> (server → peer): reply to watch-rooms, the rooms that have members.</summary>
    Rooms,
    /// <summary><c>room-opened</c> (server → watching peers): a room got its first member.</summary>
    RoomOpened,
}

/// <summary>What a relayed signal carries.</summary>
public enum SignalKind
{
    /// <summary><c>opaque</c>: application data (base64 or text).</summary>
    Opaque,
    /// <summary><c>offer</c>: an SDP offer.</summary>
    Offer,
    /// <summary><c>answer</c>: an SDP answer.</summary>
    Answer,
    /// <summary><c>candidate</c>: an ICE candidate.</summary>
    Candidate,
}

/// <summary>A room member as the server reports it.</summary>
public sealed record SignalMember(string PeerId, IReadOnlyList<string> Addrs);

/// <summary>
/// One JSON text frame of the star signalling protocol. Only the fields of its <see cref="Type"/> are set;
/// see docs/signal-protocol.md for which.
/// </summary>
public sealed class SignalMessage
{
    /// <summary>The message type.</summary>
    public required SignalMessageType Type { get; init; }

    /// <summary>Request id chosen by the peer, echoed in the reply.</summary>
    public long? Id { get; init; }

    /// <summary>Challenge nonce (base64url).</summary>
    public string? Nonce { get; init; }

    /// <summary>The server address the challenge is bound to.</summary>
    public string? Server { get; init; }

    /// <summary>Peer id (register, registered, peer-joined, peer-left).</summary>
    public string? PeerId { get; init; }

    /// <summary>Protobuf <c>PublicKey</c>, base64.</summary>
    public string? PublicKey { get; init; }

    /// <summary>Signature over the auth payload, base64.</summary>
    public string? Signature { get; init; }

    /// <summary>Room name.</summary>
    public string? Room { get; init; }

    /// <summary>Advertised multiaddrs (join, peer-joined).</summary>
    public IReadOnlyList<string>? Addrs { get; init; }

    /// <summary>Room names (rooms).</summary>
    public IReadOnlyList<string>? RoomNames { get; init; }

    /// <summary>Other members of a room (joined).</summary>
    public IReadOnlyList<SignalMember>? Members { get; init; }

    /// <summary>Signal target peer id.</summary>
    public string? To { get; init; }

    /// <summary>Signal sender peer id (set by the server).</summary>
    public string? From { get; init; }

    /// <summary>Signal kind.</summary>
    public SignalKind? Kind { get; init; }

    /// <summary>Signal data.</summary>
    public string? Data { get; init; }

    /// <summary>Error code.</summary>
    public SignalError? Code { get; init; }

    /// <summary>Human-readable error text.</summary>
    public string? Message { get; init; }

    /// <summary>Server heartbeat interval in milliseconds (challenge, registered).</summary>
    public long? HeartbeatMs { get; init; }

    /// <summary>Milliseconds the challenge stays valid (challenge).</summary>
    public long? ExpiresMs { get; init; }

    /// <summary>Frames per second the server takes from this peer, sustained (registered).</summary>
    public long? RatePerSecond { get; init; }

    /// <summary>Frames the server takes from this peer at once (registered).</summary>
    public long? RateBurst { get; init; }
}
