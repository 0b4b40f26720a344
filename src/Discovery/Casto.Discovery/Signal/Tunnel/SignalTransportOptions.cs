namespace Casto.Discovery.Signal.Tunnel;

/// <summary>Limits of <see cref="SignalTransport"/>: tunnels through star signal servers.</summary>
public sealed class SignalTransportOptions
{
    /// <summary>Tunnels open at once through one server, both directions (default 64); more are refused.</summary>
    public int MaxTunnels { get; set; } = 64;

    /// <summary>Inbound tunnels waiting for the listener (default 16); more are refused.</summary>
    public int AcceptBacklog { get; set; } = 16;

    /// <summary>How long a dial waits for the remote to accept (default 5 s).</summary>
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Bytes in one DATA frame at most (default 16 KiB; base64 makes it ~22 KB of the server's 64 KiB payload limit).</summary>
    public int MaxFramePayload { get; set; } = 16 * 1024;

    /// <summary>Received bytes a tunnel holds unread before it is reset (default 1 MiB).</summary>
    public long MaxBufferedBytes { get; set; } = 1024 * 1024;

    /// <summary>Options of each signal server connection the transport makes.</summary>
    public SignalClientOptions Signal { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTunnels, 1, nameof(MaxTunnels));
        ArgumentOutOfRangeException.ThrowIfLessThan(AcceptBacklog, 1, nameof(AcceptBacklog));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OpenTimeout, TimeSpan.Zero, nameof(OpenTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFramePayload, 256, nameof(MaxFramePayload));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxFramePayload, 32 * 1024, nameof(MaxFramePayload));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedBytes, MaxFramePayload, nameof(MaxBufferedBytes));
        ArgumentNullException.ThrowIfNull(Signal, nameof(Signal));
        Signal.Validate();
    }
}
