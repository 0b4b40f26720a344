namespace Casto.Sdk;

/// <summary>Where a watching peer stands and what it receives (<see cref="CastoMedia.Stats"/>).</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Depth">Hops from the broadcaster (its children are at 1); -1 while looking for a parent.</param>
/// <param name="Parent">The parent's peer id; null while looking for one.</param>
/// <param name="Children">Viewers this peer relays to now.</param>
/// <param name="Frames">Whole frames received.</param>
/// <param name="Fps">Whole frames over the last second.</param>
/// <param name="LatencyMs">Broadcaster to here in ms (needs synchronised clocks); null when unknown.</param>
/// <param name="FramesLost">Frames that could not be assembled (a packet missing, too large).</param>
/// <param name="FramesDropped">Frames readers fell too far behind to take (oldest dropped from their queues).</param>
/// <param name="PacketsLost">RTP packets lost on the way here (RTCP receiver statistics).</param>
/// <param name="ParentChanges">Parents taken after the first.</param>
/// <param name="PeerId">This peer's id.</param>
public sealed record CastoStats(
    string Stream, int Depth, string? Parent, int Children, long Frames, double Fps, double? LatencyMs,
    long FramesLost, long FramesDropped, long PacketsLost, long ParentChanges, string PeerId);
