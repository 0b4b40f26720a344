// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-7.3 (allocation lifetime), §9 (permissions: 300 s), §12 (channels: 600 s)
using System.Net;

namespace Casto.WebRtc.Turn;

/// <summary>Settings of one TURN client (one UDP allocation). Validated when the client is created.</summary>
internal sealed class TurnClientOptions
{
    /// <summary>The TURN server's UDP address. Required.</summary>
    public IPEndPoint? Server { get; set; }

    /// <summary>Long-term credential username. Required.</summary>
    public string Username { get; set; } = string.Empty;

    /// <summary>Long-term credential password (already OpaqueString-prepared). Required.</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>Local address the client's UDP socket binds (port 0). Default: the wildcard address of the server's family.</summary>
    public IPAddress? LocalAddress { get; set; }

    /// <summary>LIFETIME asked for in Allocate and Refresh; the server may grant less or more (default 600 s, RFC 8656 §7.3).</summary>
    public TimeSpan RequestedLifetime { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>The allocation is refreshed this long before it expires, or at half its lifetime if that is sooner (default 60 s).</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Permissions are re-created this often; must be under their 300 s lifetime (default 240 s).</summary>
    public TimeSpan PermissionRefreshInterval { get; set; } = TimeSpan.FromSeconds(240);

    /// <summary>Channel bindings are refreshed this often; must be under their 600 s lifetime (default 540 s).</summary>
    public TimeSpan ChannelRefreshInterval { get; set; } = TimeSpan.FromSeconds(540);

    /// <summary>How often the maintenance timer looks for due refreshes (default 1 s).</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Initial retransmission timeout of a request (default 500 ms, RFC 8489 §6.2.1), doubled per retransmission.</summary>
    public TimeSpan RetransmitTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Transmissions of a request before it times out (Rc, default 7).</summary>
    public int MaxTransmissions { get; set; } = 7;

    /// <summary>How long disposal waits for the deallocation (Refresh, LIFETIME 0) response (default 1 s).</summary>
    public TimeSpan DeallocateTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Peer addresses with permissions (default 64); more are refused with <see cref="TurnError.LimitReached"/>.</summary>
    public int MaxPermissions { get; set; } = 64;

    /// <summary>Channels bound (default 64, at most 4096); peers beyond it use Send indications.</summary>
    public int MaxChannels { get; set; } = 64;

    /// <summary>Largest datagram received from the server (default 1600: 1500 of data plus TURN framing).</summary>
    public int MaxDatagramSize { get; set; } = 1600;

    /// <summary>Pad ChannelData to 4 bytes over UDP (optional there, RFC 8656 §12.5; default false).</summary>
    public bool PadChannelData { get; set; }

    /// <summary>SOFTWARE sent in requests, or null for none (default "casto").</summary>
    public string? Software { get; set; } = "casto";

    /// <summary>Clock for every timer (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Server, nameof(Server));
        ArgumentException.ThrowIfNullOrEmpty(Username, nameof(Username));
        ArgumentNullException.ThrowIfNull(Password, nameof(Password));
        if (LocalAddress is not null && LocalAddress.AddressFamily != Server.AddressFamily)
        {
            throw new ArgumentException("LocalAddress must be of the server's address family.", nameof(LocalAddress));
        }

        Between(RequestedLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(uint.MaxValue / 2), nameof(RequestedLifetime));
        Between(RefreshMargin, TimeSpan.Zero, RequestedLifetime, nameof(RefreshMargin));
        Between(PermissionRefreshInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(299), nameof(PermissionRefreshInterval));
        Between(ChannelRefreshInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(599), nameof(ChannelRefreshInterval));
        Between(MaintenanceInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), nameof(MaintenanceInterval));
        Between(RetransmitTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), nameof(RetransmitTimeout));
        Between(DeallocateTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(1), nameof(DeallocateTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTransmissions, 1, nameof(MaxTransmissions));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPermissions, 1, nameof(MaxPermissions));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChannels, 0, nameof(MaxChannels));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxChannels, TurnChannelData.MaxChannel - TurnChannelData.MinChannel + 1, nameof(MaxChannels));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, 576, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramSize, 65535, nameof(MaxDatagramSize));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    private static void Between(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Must be within {min}–{max}.");
        }
    }
}
