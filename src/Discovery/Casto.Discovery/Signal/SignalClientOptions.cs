namespace Casto.Discovery.Signal;

/// <summary>Limits and timers of <see cref="SignalClient"/>.</summary>
public sealed class SignalClientOptions
{
    /// <summary>Time for the WebSocket connect plus registration (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time to wait for the reply to a join, leave or signal (default 10 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest frame accepted from the server (default 4 MiB: a joined reply lists up to 1,024 members with their addresses).</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Events buffered for the reader of <see cref="SignalClient.Events"/> (default 1,024); when full, reading from the server pauses.</summary>
    public int EventCapacity { get; set; } = 1024;

    /// <summary>Requests awaiting their reply at once (default 256); more wait for a slot.</summary>
    public int MaxPendingRequests { get; set; } = 256;

    /// <summary>Silence from the server after which the connection is dropped as dead (default: 3 × the heartbeat interval the server announces, at least 10 s).</summary>
    public TimeSpan? ServerSilenceTimeout { get; set; }

    /// <summary>Time source for request timeouts and the server watchdog (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Tests only: false makes the client ignore server pings (a peer that stopped answering).</summary>
    internal bool AnswerPings { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a limit out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1024, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(EventCapacity, 1, nameof(EventCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingRequests, 1, nameof(MaxPendingRequests));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (ServerSilenceTimeout is { } silence)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(silence, TimeSpan.Zero, nameof(ServerSilenceTimeout));
        }
    }
}
