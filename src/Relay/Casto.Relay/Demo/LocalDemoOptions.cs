namespace Casto.Relay.Demo;

/// <summary>Settings of <see cref="LocalDemo"/>.</summary>
public sealed class LocalDemoOptions
{
    /// <summary>Viewers started (default 3, at most 32). Every viewer relays too (up to 2 children).</summary>
    public int Viewers { get; set; } = 3;

    /// <summary>Relays (operator nodes that do not watch) started before the viewers (default 3, at most 32).</summary>
    public int Relays { get; set; } = 3;

    /// <summary>Children per node, the broadcaster included (default 2: the tree deepens quickly).</summary>
    public int FanOut { get; set; } = 2;

    /// <summary>Kill or stop a relay (alternately) every <see cref="ChaosInterval"/> and start a new one (default off).</summary>
    public bool Chaos { get; set; }

    /// <summary>Between two chaos events (default 3 s).</summary>
    public TimeSpan ChaosInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the demo runs; null runs until cancelled (default).</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Between two status reports (default 1 s).</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The stream (and signalling room) name (default "demo").</summary>
    public string Room { get; set; } = "demo";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> for bad settings.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Viewers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Viewers, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(Relays, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Relays, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(FanOut, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FanOut, 16);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ChaosInterval, TimeSpan.Zero);
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
/// <param name="State">joining, watching or lost (between parents).</param>
/// <param name="Frames">Whole VP8 frames received.</param>
/// <param name="Keyframes">Of those, keyframes.</param>
/// <param name="FirstFrameMs">From the viewer's start (joining included) to its first whole frame.</param>
/// <param name="Depth">Hops from the broadcaster (-1 before the first parent).</param>
/// <param name="Parent">The parent's peer id (null between parents).</param>
/// <param name="Fps">Frames per second over the last report interval.</param>
/// <param name="ParentChanges">Parents taken after the first.</param>
/// <param name="LastRecoveryMs">The last recovery: from noticing a lost parent to media again (null: none yet).</param>
/// <param name="LatencyMs">From the broadcaster to this viewer (null until known).</param>
public sealed record DemoViewerStatus(
    int Viewer, string PeerId, string State, long Frames, long Keyframes, double? FirstFrameMs, int Depth, string? Parent, double Fps, long ParentChanges,
    double? LastRecoveryMs, double? LatencyMs);

/// <summary>The broadcaster's side of a report.</summary>
/// <param name="Broadcaster">Its peer id.</param>
/// <param name="Children">Its children.</param>
/// <param name="UploadKbps">What it sends its children, over the last interval.</param>
/// <param name="Relays">Relays running.</param>
/// <param name="Recoveries">Recoveries of every node so far.</param>
public sealed record DemoTreeStatus(string Broadcaster, int Children, double UploadKbps, int Relays, int Recoveries);

/// <summary>The demo's first line: where its signalling server is, the room, and the broadcaster.</summary>
/// <param name="Signal">The embedded signalling server's address.</param>
/// <param name="Room">The stream's room.</param>
/// <param name="Broadcaster">The broadcaster's peer id.</param>
public sealed record DemoStart(string Signal, string Room, string Broadcaster);

/// <summary>Something the chaos did.</summary>
/// <param name="Chaos">killed (no goodbye) or left (hand-off).</param>
/// <param name="Relay">The relay's peer id.</param>
public sealed record DemoChaosEvent(string Chaos, string Relay);
