namespace Casto.WebRtc.Srtp;

/// <summary>
/// Limits of an <see cref="SrtpContext"/>. The context copies the values when it is created; later changes
/// have no effect.
/// </summary>
internal sealed class SrtpOptions
{
    /// <summary>The smallest replay window RFC 3711 §3.3.2 allows.</summary>
    public const int MinReplayWindowSize = 64;

    /// <summary>The largest replay window: half the sequence number space, beyond which index estimation is ambiguous.</summary>
    public const int MaxReplayWindowSize = 32768;

    /// <summary>
    /// How many packets behind the newest one a packet may arrive and still be accepted, for SRTP and SRTCP
    /// (default 64, libsrtp's and pion's default). Older packets and duplicates are dropped and counted.
    /// </summary>
    public int ReplayWindowSize { get; set; } = MinReplayWindowSize;

    /// <summary>
    /// The most SSRCs a context keeps state for, per direction (default 1024). Inbound packets of further SSRCs
    /// are dropped and counted; protecting one throws <see cref="SrtpError.SsrcLimit"/>.
    /// </summary>
    public int MaxSsrcs { get; set; } = 1024;

    internal void Validate()
    {
        if (ReplayWindowSize is < MinReplayWindowSize or > MaxReplayWindowSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ReplayWindowSize), ReplayWindowSize, $"Must be between {MinReplayWindowSize} and {MaxReplayWindowSize}.");
        }

        if (MaxSsrcs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSsrcs), MaxSsrcs, "Must be at least 1.");
        }
    }
}
