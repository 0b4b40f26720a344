namespace Casto.Discovery.Signal;

/// <summary>What went wrong in star signalling; each value has a wire code (see docs/signal-protocol.md).</summary>
public enum SignalError
{
    /// <summary><c>bad-message</c>: not JSON, not an object, unknown type or a field of the wrong type. Fatal.</summary>
    BadMessage,
    /// <summary><c>too-large</c>: a frame over <see cref="SignalServerOptions.MaxMessageBytes"/>. Fatal.</summary>
    TooLarge,
    /// <summary><c>payload-too-large</c>: signal data over <see cref="SignalServerOptions.MaxPayloadBytes"/>.</summary>
    PayloadTooLarge,
    /// <summary><c>not-registered</c>: a request before a successful register.</summary>
    NotRegistered,
    /// <summary><c>already-registered</c>: a second register on one connection.</summary>
    AlreadyRegistered,
    /// <summary><c>bad-nonce</c>: the register names a nonce this connection was not given, or one already used. Fatal.</summary>
    BadNonce,
    /// <summary><c>challenge-expired</c>: the register came after the challenge expired. Fatal.</summary>
    ChallengeExpired,
    /// <summary><c>bad-key</c>: the public key is not a valid libp2p protobuf public key. Fatal.</summary>
    BadKey,
    /// <summary><c>bad-signature</c>: the signature does not verify. Fatal.</summary>
    BadSignature,
    /// <summary><c>peer-id-mismatch</c>: the claimed peer id is not the key's. Fatal.</summary>
    PeerIdMismatch,
    /// <summary><c>server-full</c>: too many peers or pending connections. Fatal.</summary>
    ServerFull,
    /// <summary><c>replaced</c>: a newer session registered with the same peer id. Fatal.</summary>
    Replaced,
    /// <summary><c>bad-room</c>: empty, too long or control characters in a room name.</summary>
    BadRoom,
    /// <summary><c>bad-address</c>: an advertised multiaddr does not parse, or too many.</summary>
    BadAddress,
    /// <summary><c>room-limit</c>: the peer is in too many rooms, or the server has too many rooms.</summary>
    RoomLimit,
    /// <summary><c>room-full</c>: the room has its maximum number of peers.</summary>
    RoomFull,
    /// <summary><c>not-in-room</c>: leave of a room the peer is not in.</summary>
    NotInRoom,
    /// <summary><c>unknown-peer</c>: the signal target is not connected (or not a peer id).</summary>
    UnknownPeer,
    /// <summary><c>rate-limited</c>: over the message rate; the message was dropped (fatal when it goes on).</summary>
    RateLimited,
    /// <summary><c>slow-consumer</c>: the peer does not read its messages fast enough. Fatal.</summary>
    SlowConsumer,
    /// <summary><c>auth-timeout</c>: no valid register in time. Fatal.</summary>
    AuthTimeout,
    /// <summary><c>heartbeat-timeout</c>: nothing heard from the peer in time. Fatal.</summary>
    HeartbeatTimeout,
    /// <summary><c>shutting-down</c>: the server is stopping. Fatal.</summary>
    ShuttingDown,
    /// <summary>Client side only: the connection closed or failed.</summary>
    ConnectionClosed,
    /// <summary>Client side only: no reply in <see cref="SignalClientOptions.RequestTimeout"/>.</summary>
    Timeout,
}

/// <summary>Thrown by the star signalling codec, client and server.</summary>
public sealed class SignalException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SignalException(SignalError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public SignalError Error { get; }
}
