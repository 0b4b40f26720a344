using Casto.Relay.Forwarding;

namespace Casto.Relay.Tree;

/// <summary>What a media link's state means to the tree: it flows, it paused, it failed or was closed.</summary>
internal enum TreeLinkState
{
    Connecting,
    Connected,
    Disconnected,
    Failed,
    Closed,
}

/// <summary>
/// One media session as the tree control sees it: the upstream from our parent (pulled) or a child's subscription.
/// Over WebRTC it is a <see cref="ForwardingSession"/> (<see cref="ForwardingTreeMedia"/>); the simulation has its own.
/// </summary>
internal interface ITreeLink
{
    /// <summary>Completes when the link is connected; throws when it fails first.</summary>
    Task WaitConnectedAsync(CancellationToken cancellationToken);

    /// <summary>Completes at the first media packet received (upstream links).</summary>
    Task FirstPacket { get; }

    TreeLinkState State { get; }

    /// <summary>Raised (on any thread) when <see cref="State"/> changes.</summary>
    event Action<TreeLinkState>? StateChanged;
}

/// <summary>The media plane under the tree control: where streams come from and go to (one node's, all its streams).</summary>
internal interface ITreeMedia
{
    /// <summary>The stream has a source now (the publisher, or our parent's upstream): we can take children.</summary>
    bool HasSource(string stream);

    /// <summary>The newest video packet's RTP timestamp and arrival (Unix µs), or null (no media yet, or none simulated).</summary>
    (uint RtpTimestamp, long ArrivedUnixMicros)? NewestVideo(string stream);

    /// <summary>
    /// The publisher's clock for the video as it arrives here (its sender reports, passed down by every relay), or
    /// null (none heard yet, or not simulated): with it a node's latency is measured from the publisher itself.
    /// </summary>
    Casto.WebRtc.Rtcp.RtpClockMapping? VideoClock(string stream) => null;

    /// <summary>Where our children would resume if the numbering continues (see <see cref="ForwardedStream.ResumePoint"/>).</summary>
    ResumePoint ResumePoint(string stream);

    /// <summary>Receives <paramref name="stream"/> from a new parent: <paramref name="exchange"/> carries our offer there and returns its answer.</summary>
    Task<ITreeLink> PullAsync(string stream, Func<string, CancellationToken, Task<string>> exchange, bool continuesNumbering, CancellationToken cancellationToken);

    /// <summary>Answers a child's offer; the answer is <see cref="ITreeLink"/>'s <c>Answer</c> (see <see cref="TreeSubscription"/>).</summary>
    Task<TreeSubscription> SubscribeAsync(string stream, string offer, ResumePoint resume, CancellationToken cancellationToken);

    /// <summary>Ends a link quietly (already ended is fine).</summary>
    Task EndAsync(ITreeLink link);
}

/// <summary>A child's media session and the answer to send it.</summary>
internal sealed record TreeSubscription(ITreeLink Link, string Answer);
