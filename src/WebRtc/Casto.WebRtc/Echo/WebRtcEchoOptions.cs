namespace Casto.WebRtc.Echo;

/// <summary>Settings of <see cref="WebRtcEchoServer"/>.</summary>
public sealed class WebRtcEchoOptions
{
    /// <summary>Peer connections at once (default 16); more offers are refused.</summary>
    public int MaxSessions { get; set; } = 16;

    /// <summary>Longest a session lives before it is closed (default 10 minutes).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long ICE plus DTLS may take (default 20 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest accepted offer, in bytes of JSON (default 64 KiB).</summary>
    public int MaxOfferSize { get; set; } = 64 * 1024;

    /// <summary>When set, the VP8 each session receives is written to <c>session-N.ivf</c> in this directory.</summary>
    public string? RecordDirectory { get; set; }

    /// <summary>Local addresses for ICE host candidates (default 127.0.0.1).</summary>
    public IReadOnlyList<System.Net.IPAddress> LocalAddresses { get; set; } = [System.Net.IPAddress.Loopback];

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a limit that is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionLifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOfferSize, 256);
        ArgumentOutOfRangeException.ThrowIfZero(LocalAddresses.Count);
    }
}

/// <summary>What one echo session did, reported when it ends.</summary>
/// <param name="Session">1-based session number.</param>
/// <param name="State">Final state: closed, failed.</param>
/// <param name="RtpReceived">RTP packets received from the peer.</param>
/// <param name="RtpSent">RTP packets sent back (echoed, or the built-in clip for a receive-only peer).</param>
/// <param name="Frames">Whole VP8 frames reassembled from what was received.</param>
/// <param name="Keyframes">Of those, keyframes.</param>
/// <param name="FirstFrameIsKeyframe">Whether the first whole frame was a keyframe.</param>
/// <param name="TimestampsMonotonic">Whether frame RTP timestamps never went backwards.</param>
/// <param name="RecordFile">The IVF file written, when recording.</param>
/// <param name="FirstFrameMs">Client only: milliseconds from creating the offer to the first whole frame received.</param>
public sealed record WebRtcEchoReport(
    int Session, string State, long RtpReceived, long RtpSent, long Frames, long Keyframes, bool FirstFrameIsKeyframe, bool TimestampsMonotonic, string? RecordFile,
    double? FirstFrameMs = null);
