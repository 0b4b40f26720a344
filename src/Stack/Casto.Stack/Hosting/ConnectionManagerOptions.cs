namespace Casto.Stack.Hosting;

/// <summary>
/// When the host closes connections on its own (<see cref="HostOptions.ConnectionManager"/>): above
/// <see cref="HighWater"/> it trims down to <see cref="LowWater"/>, and a connection without streams for
/// <see cref="IdleTimeout"/> is closed. Protected peers (<see cref="CastoHost.Protect"/>) and connections younger than
/// <see cref="GracePeriod"/> are never closed. Every limit has a documented default.
/// </summary>
public sealed class ConnectionManagerOptions
{
    /// <summary>Connections kept after a trim (default 160).</summary>
    public int LowWater { get; set; } = 160;

    /// <summary>Connections above which the host trims down to <see cref="LowWater"/> (default 192; at most <see cref="HostOptions.MaxConnections"/>).</summary>
    public int HighWater { get; set; } = 192;

    /// <summary>A new connection is never closed by the manager for this long (default 20 s).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A connection with no open stream for this long is closed even below the watermarks (default 60 s; null or
    /// <see cref="TimeSpan.Zero"/> turns it off).
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the watermarks and idle connections are checked (default 5 s); also checked on every new connection.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time a closed connection's open streams get to finish after the go-away before it is dropped (default 10 s).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Protection tags one peer may carry (default 16); one more is refused with <see cref="HostError.LimitReached"/>.</summary>
    public int MaxTagsPerPeer { get; set; } = 16;

    /// <summary>Peers protected at once (default 1,024); one more is refused with <see cref="HostError.LimitReached"/>.</summary>
    public int MaxProtectedPeers { get; set; } = 1024;

    /// <summary>Longest protection tag in characters (default 128).</summary>
    public int MaxTagLength { get; set; } = 128;

    internal bool IdleTimeoutEnabled => IdleTimeout is { } idle && idle > TimeSpan.Zero;

    /// <summary>Throws when a value is out of range or the watermarks do not fit under <paramref name="maxConnections"/>.</summary>
    internal void Validate(int maxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(LowWater, 0, nameof(LowWater));
        ArgumentOutOfRangeException.ThrowIfLessThan(HighWater, 1, nameof(HighWater));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(LowWater, HighWater, nameof(LowWater));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HighWater, maxConnections, nameof(HighWater)); // lower both watermarks with MaxConnections

        ArgumentOutOfRangeException.ThrowIfLessThan(GracePeriod, TimeSpan.Zero, nameof(GracePeriod));
        if (IdleTimeout is { } idle)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(idle, TimeSpan.Zero, nameof(IdleTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CheckInterval, TimeSpan.Zero, nameof(CheckInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DrainTimeout, TimeSpan.Zero, nameof(DrainTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTagsPerPeer, 1, nameof(MaxTagsPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxProtectedPeers, 1, nameof(MaxProtectedPeers));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTagLength, 1, nameof(MaxTagLength));
    }
}
