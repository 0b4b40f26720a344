namespace Casto.Discovery.Signal;

/// <summary>Wire names of message types, signal kinds and error codes (docs/signal-protocol.md).</summary>
internal static class SignalNames
{
    public static string Of(SignalMessageType type) => type switch
    {
        SignalMessageType.Challenge => "challenge",
        SignalMessageType.Register => "register",
        SignalMessageType.Registered => "registered",
        SignalMessageType.Join => "join",
        SignalMessageType.Joined => "joined",
        SignalMessageType.Leave => "leave",
        SignalMessageType.Left => "left",
        SignalMessageType.PeerJoined => "peer-joined",
        SignalMessageType.PeerLeft => "peer-left",
        SignalMessageType.Signal => "signal",
        SignalMessageType.Ack => "ack",
        SignalMessageType.Error => "error",
        SignalMessageType.Ping => "ping",
        SignalMessageType.Pong => "pong",
        SignalMessageType.WatchRooms => "watch-rooms",
        SignalMessageType.Rooms => "rooms",
        SignalMessageType.RoomOpened => "room-opened",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static SignalMessageType? Type(string name) => name switch
    {
        "challenge" => SignalMessageType.Challenge,
        "register" => SignalMessageType.Register,
        "registered" => SignalMessageType.Registered,
        "join" => SignalMessageType.Join,
        "joined" => SignalMessageType.Joined,
        "leave" => SignalMessageType.Leave,
        "left" => SignalMessageType.Left,
        "peer-joined" => SignalMessageType.PeerJoined,
        "peer-left" => SignalMessageType.PeerLeft,
        "signal" => SignalMessageType.Signal,
        "ack" => SignalMessageType.Ack,
        "error" => SignalMessageType.Error,
        "ping" => SignalMessageType.Ping,
        "pong" => SignalMessageType.Pong,
        "watch-rooms" => SignalMessageType.WatchRooms,
        "rooms" => SignalMessageType.Rooms,
        "room-opened" => SignalMessageType.RoomOpened,
        _ => null,
    };

    public static string Of(SignalKind kind) => kind switch
    {
        SignalKind.Opaque => "opaque",
        SignalKind.Offer => "offer",
        SignalKind.Answer => "answer",
        SignalKind.Candidate => "candidate",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static SignalKind? Kind(string name) => name switch
    {
        "opaque" => SignalKind.Opaque,
        "offer" => SignalKind.Offer,
        "answer" => SignalKind.Answer,
        "candidate" => SignalKind.Candidate,
        _ => null,
    };

    private static readonly (SignalError Error, string Name)[] Errors =
    [
        (SignalError.BadMessage, "bad-message"), (SignalError.TooLarge, "too-large"),
        (SignalError.PayloadTooLarge, "payload-too-large"), (SignalError.NotRegistered, "not-registered"),
        (SignalError.AlreadyRegistered, "already-registered"), (SignalError.BadNonce, "bad-nonce"),
        (SignalError.ChallengeExpired, "challenge-expired"), (SignalError.BadKey, "bad-key"),
        (SignalError.BadSignature, "bad-signature"), (SignalError.PeerIdMismatch, "peer-id-mismatch"),
        (SignalError.ServerFull, "server-full"), (SignalError.Replaced, "replaced"), (SignalError.BadRoom, "bad-room"),
        (SignalError.BadAddress, "bad-address"), (SignalError.RoomLimit, "room-limit"), (SignalError.RoomFull, "room-full"),
        (SignalError.NotInRoom, "not-in-room"), (SignalError.UnknownPeer, "unknown-peer"),
        (SignalError.RateLimited, "rate-limited"), (SignalError.SlowConsumer, "slow-consumer"),
        (SignalError.AuthTimeout, "auth-timeout"), (SignalError.HeartbeatTimeout, "heartbeat-timeout"),
        (SignalError.ShuttingDown, "shutting-down"), (SignalError.ConnectionClosed, "connection-closed"),
        (SignalError.Timeout, "timeout"),
    ];

    public static string Of(SignalError error) => Array.Find(Errors, e => e.Error == error).Name ?? "unknown";

    /// <summary>Unknown codes map to <see cref="SignalError.BadMessage"/> only when <paramref name="name"/> is not a known code.</summary>
    public static SignalError? Error(string name)
    {
        foreach (var (error, text) in Errors)
        {
            if (text == name)
            {
                return error;
            }
        }

        return null;
    }
}
