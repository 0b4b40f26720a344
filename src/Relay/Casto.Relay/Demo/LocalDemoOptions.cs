namespace Casto.Relay.Demo;

/// <summary>Settings of <see cref="LocalDemo"/>.</summary>
public sealed class LocalDemoOptions
{
    /// <summary>Viewers started (default 3, at most 32).</summary>
    public int Viewers { get; set; } = 3;

    /// <summary>How long the demo runs; null runs until cancelled (default).</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Between two status lines (default 1 s).</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The room (stream name) everyone joins on the signalling server (default "demo").</summary>
    public string Room { get; set; } = "demo";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> for bad settings.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Viewers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Viewers, 32);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReportInterval, TimeSpan.Zero);
        if (Duration is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(d, TimeSpan.Zero);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Room);
    }
}

/// <summary>One viewer's progress.</summary>
/// <param name="Viewer">1-based viewer number.</param>
/// <param name="PeerId">The viewer's peer id.</param>
/// <param name="State">connecting, connected, failed or closed.</param>
/// <param name="Frames">Whole VP8 frames received.</param>
/// <param name="Keyframes">Of those, keyframes.</param>
/// <param name="FirstFrameMs">From the viewer's start (signalling included) to its first whole frame.</param>
public sealed record DemoViewerStatus(int Viewer, string PeerId, string State, long Frames, long Keyframes, double? FirstFrameMs);
