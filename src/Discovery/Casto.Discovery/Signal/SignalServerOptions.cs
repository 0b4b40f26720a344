namespace Casto.Discovery.Signal;

/// <summary>Limits and timers of <see cref="SignalServer"/>. Every limit has a documented default.</summary>
public sealed class SignalServerOptions
{
    /// <summary>Registered peers at once (default 10,000); a register beyond it gets <c>server-full</c>.</summary>
    public int MaxPeers { get; set; } = 10_000;

    /// <summary>Connections that have not registered yet (default 1,024); more are refused with HTTP 503.</summary>
    public int MaxPendingConnections { get; set; } = 1024;

    /// <summary>
    /// WebSocket connections (pending or registered) from one remote IP address at once (default 256); more are
    /// refused with HTTP 429, so one host cannot take the whole server.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 256;

    /// <summary>Time a connection has to register after its challenge; the challenge expires then (default 10 s).</summary>
    public TimeSpan AuthTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Rooms one peer may be in (default 16).</summary>
    public int MaxRoomsPerPeer { get; set; } = 16;

    /// <summary>Peers in one room (default 1,024).</summary>
    public int MaxPeersPerRoom { get; set; } = 1024;

    /// <summary>Rooms on the server (default 10,000).</summary>
    public int MaxRooms { get; set; } = 10_000;

    /// <summary>Peers that watch the room directory (<c>watch-rooms</c>) at once (default 1,024).</summary>
    public int MaxRoomWatchers { get; set; } = 1024;

    /// <summary>Longest room name in characters (default 256).</summary>
    public int MaxRoomNameLength { get; set; } = 256;

    /// <summary>Largest frame accepted from a peer (default 128 KiB); larger closes the connection with <c>too-large</c>.</summary>
    public int MaxMessageBytes { get; set; } = 128 * 1024;

    /// <summary>Largest signal <c>data</c> in UTF-8 bytes (default 64 KiB).</summary>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Sustained frames per second per connection (default 200), a token bucket. Tunnels (docs/signal-protocol.md#tunnels)
    /// carry a tree link's heartbeats through the server: about 10 frames per second per tunnelled child.
    /// </summary>
    public double MessagesPerSecond { get; set; } = 200;

    /// <summary>Token bucket size: frames a connection may send at once (default 400).</summary>
    public int MessageBurst { get; set; } = 400;

    /// <summary>Frames dropped for rate in a row before the connection is closed (default 100).</summary>
    public int MaxRateStrikes { get; set; } = 100;

    /// <summary>Frames queued to one peer before it is closed as <c>slow-consumer</c> (default 1,024).</summary>
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>Bytes queued to one peer before it is closed as <c>slow-consumer</c> (default 4 MiB).</summary>
    public long MaxQueuedBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Characters of advertised addresses in one join, all together (default 1,024), which bounds member lists.</summary>
    public int MaxAdvertisedBytes { get; set; } = 1024;

    /// <summary>Interval of server pings (default 5 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Silence after which a peer is dead and its leaves are announced (default 12 s; detection within this plus one interval).</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>Wall-clock time the server gives a closing connection to flush and exchange close frames (default 2 s).</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time source for heartbeats, challenge expiry and rate limits (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a limit out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPeers, 1, nameof(MaxPeers));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingConnections, 1, nameof(MaxPendingConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerAddress, 1, nameof(MaxConnectionsPerAddress));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AuthTimeout, TimeSpan.Zero, nameof(AuthTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRoomsPerPeer, 1, nameof(MaxRoomsPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPeersPerRoom, 1, nameof(MaxPeersPerRoom));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRooms, 1, nameof(MaxRooms));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRoomWatchers, nameof(MaxRoomWatchers));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRoomNameLength, 1, nameof(MaxRoomNameLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1024, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPayloadBytes, 1, nameof(MaxPayloadBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPayloadBytes, MaxMessageBytes, nameof(MaxPayloadBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MessagesPerSecond, 0, nameof(MessagesPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThan(MessageBurst, 1, nameof(MessageBurst));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRateStrikes, 1, nameof(MaxRateStrikes));
        ArgumentOutOfRangeException.ThrowIfLessThan(SendQueueCapacity, 1, nameof(SendQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedBytes, 2L * MaxMessageBytes, nameof(MaxQueuedBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAdvertisedBytes, 0, nameof(MaxAdvertisedBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero, nameof(HeartbeatInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(HeartbeatTimeout, HeartbeatInterval, nameof(HeartbeatTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
