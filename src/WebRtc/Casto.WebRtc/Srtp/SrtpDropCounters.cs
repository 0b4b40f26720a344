namespace Casto.WebRtc.Srtp;

/// <summary>Packets an <see cref="SrtpContext"/> refused to unprotect, by reason (a snapshot).</summary>
/// <param name="Malformed">Too short, wrong RTP version, or header longer than the packet.</param>
/// <param name="AuthenticationFailed">Authentication tag mismatch (forged, corrupted, or wrong keys/ROC).</param>
/// <param name="Replayed">Already received, or older than the replay window.</param>
/// <param name="SsrcLimit">From a new SSRC while <see cref="SrtpOptions.MaxSsrcs"/> streams were known.</param>
internal readonly record struct SrtpDropCounters(long Malformed, long AuthenticationFailed, long Replayed, long SsrcLimit)
{
    /// <summary>All dropped packets.</summary>
    public long Total => Malformed + AuthenticationFailed + Replayed + SsrcLimit;
}
