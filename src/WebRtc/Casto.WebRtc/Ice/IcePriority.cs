// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-5.1.2 (candidate priority), §6.1.2.3 (pair priority)
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Ice;

/// <summary>Priority formulas.</summary>
internal static class IcePriority
{
    /// <summary>Recommended type preferences (RFC 8445 §5.1.2.2): host 126, peer-reflexive 110, server-reflexive 100, relayed 0.</summary>
    public static int TypePreference(SdpCandidateType type) => type switch
    {
        SdpCandidateType.Host => 126,
        SdpCandidateType.PeerReflexive => 110,
        SdpCandidateType.ServerReflexive => 100,
        _ => 0,
    };

    /// <summary>
    /// <code>priority = (2^24)*(type preference) + (2^8)*(local preference) + (2^0)*(256 - component ID)</code>
    /// </summary>
    public static uint Candidate(int typePreference, int localPreference, int component)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(typePreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(typePreference, 126);
        ArgumentOutOfRangeException.ThrowIfNegative(localPreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPreference, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(component, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(component, 256);
        return (uint)((typePreference << 24) + (localPreference << 8) + (256 - component));
    }

    /// <summary>Priority of a candidate of <paramref name="type"/> with the given local preference.</summary>
    public static uint Candidate(SdpCandidateType type, int localPreference, int component = 1) =>
        Candidate(TypePreference(type), localPreference, component);

    /// <summary>
    /// <code>pair priority = 2^32*MIN(G,D) + 2*MAX(G,D) + (G&gt;D?1:0)</code>
    /// G is the controlling agent's candidate priority, D the controlled agent's.
    /// </summary>
    public static ulong Pair(uint controlling, uint controlled) =>
        ((ulong)Math.Min(controlling, controlled) << 32) + (2UL * Math.Max(controlling, controlled)) + (controlling > controlled ? 1UL : 0UL);
}
