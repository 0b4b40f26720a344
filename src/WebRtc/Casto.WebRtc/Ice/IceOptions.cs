// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-14 (pacing, RTO), https://www.rfc-editor.org/rfc/rfc7675#section-5.1 (consent timers)
using System.Net;

namespace Casto.WebRtc.Ice;

/// <summary>Settings of one ICE agent. Validated when the agent is created.</summary>
internal sealed class IceOptions
{
    /// <summary>Addresses to gather host candidates on, one UDP socket (port 0) each. Default 127.0.0.1 only.</summary>
    public IReadOnlyList<IPAddress> LocalAddresses { get; set; } = [IPAddress.Loopback];

    /// <summary>One shared UDP socket for the host candidate instead of one socket per local address (<see cref="LocalAddresses"/> is then unused). Default none.</summary>
    public IceUdpMux? UdpMux { get; set; }

    /// <summary>STUN and TURN servers used by <see cref="IceAgent.GatherAsync"/> (default none: host candidates only).</summary>
    public IReadOnlyList<IceServer> IceServers { get; set; } = [];

    /// <summary>All candidates (default) or relayed ones only (W3C iceTransportPolicy "relay").</summary>
    public IceTransportPolicy TransportPolicy { get; set; } = IceTransportPolicy.All;

    /// <summary>How long a STUN server may take to answer a gathering Binding request, retransmissions included (default 5 s).</summary>
    public TimeSpan GatherTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>ICE-lite (RFC 8445 §2.5): answer checks only, never send them; always controlled. Default false.</summary>
    public bool Lite { get; set; }

    /// <summary>Ta, the pacing of checks and the agent's timer tick (default 50 ms, RFC 8445 §14.2).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Initial retransmission timeout of a check (default 500 ms, RFC 8445 §14.3); doubled per retransmission up to 8×.</summary>
    public TimeSpan CheckRetransmitTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Transmissions of one check before its pair fails (Rc, default 7 as RFC 8489 §6.2.1).</summary>
    public int MaxCheckTransmissions { get; set; } = 7;

    /// <summary>How long to wait for a nominated pair after checks start before the agent fails (default 30 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Controlling: how long to wait after the first valid pair for a better one before nominating (default 200 ms).</summary>
    public TimeSpan NominationDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Mean interval of consent checks on the selected pair (default 5 s, randomized ±20% to 4–6 s; RFC 7675 §5.1).</summary>
    public TimeSpan ConsentInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Without a consent response (lite: without an authenticated check) for this long the agent is Disconnected (default 10 s).</summary>
    public TimeSpan ConsentDisconnectedTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Without a consent response for this long consent expires and the agent fails (default 30 s, RFC 7675 §5.1).</summary>
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest datagram received; bigger ones are truncated by the socket and dropped (default 1500).</summary>
    public int MaxDatagramSize { get; set; } = 1500;

    /// <summary>Non-STUN datagrams buffered for the consumer before new ones are dropped (default 256).</summary>
    public int ReceiveQueueCapacity { get; set; } = 256;

    /// <summary>Remote candidates accepted, signalled or peer-reflexive (default 32); more are ignored.</summary>
    public int MaxRemoteCandidates { get; set; } = 32;

    /// <summary>Fixed tie-breaker for role conflicts (RFC 8445 §7.3.1.1); null (default) draws a random one. For tests.</summary>
    public ulong? TieBreaker { get; set; }

    /// <summary>Clock for every timer (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (LocalAddresses is null || LocalAddresses.Count == 0 || LocalAddresses.Any(a => a is null))
        {
            throw new ArgumentException("LocalAddresses must list at least one address.", nameof(LocalAddresses));
        }

        if (IceServers is null || IceServers.Any(s => s is null))
        {
            throw new ArgumentException("IceServers must not be null or contain null.", nameof(IceServers));
        }

        if (!Enum.IsDefined(TransportPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(TransportPolicy), TransportPolicy, "Unknown policy.");
        }

        Positive(GatherTimeout, nameof(GatherTimeout));
        Positive(CheckInterval, nameof(CheckInterval));
        Positive(CheckRetransmitTimeout, nameof(CheckRetransmitTimeout));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(ConsentInterval, nameof(ConsentInterval));
        if (NominationDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(NominationDelay), NominationDelay, "Must not be negative.");
        }

        if (ConsentDisconnectedTimeout <= ConsentInterval || ConsentTimeout < ConsentDisconnectedTimeout)
        {
            throw new ArgumentException("Need ConsentInterval < ConsentDisconnectedTimeout <= ConsentTimeout.", nameof(ConsentTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCheckTransmissions, 1, nameof(MaxCheckTransmissions));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, 576, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramSize, 65535, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveQueueCapacity, 1, nameof(ReceiveQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRemoteCandidates, 1, nameof(MaxRemoteCandidates));
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
        }
    }
}
