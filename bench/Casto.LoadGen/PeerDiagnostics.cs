using System.Reflection;
using Casto.WebRtc.Ice;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Srtp;

namespace Casto.LoadGen;

/// <summary>
/// What <see cref="RtcPeerConnection"/> does not expose: the ICE agent drops datagrams when its 256-entry queue to
/// the receive pump is full (IceCounters.QueueFull), which no UDP counter shows, and UndecryptablePackets has no
/// reason. The agent and the inbound SRTP context are private fields, read by reflection; null when a field is gone
/// (the connection's internals changed).
/// </summary>
internal static class PeerDiagnostics
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo? IceField = typeof(RtcPeerConnection).GetField("_ice", Private);
    private static readonly FieldInfo? InboundField = typeof(RtcPeerConnection).GetField("_inbound", Private);

    public static (long QueueFull, int Queued)? IceBacklog(RtcPeerConnection pc)
    {
        if (IceField?.GetValue(pc) is not IceAgent ice)
        {
            return null;
        }

        return (ice.Counters.QueueFull, ice.Datagrams.CanCount ? ice.Datagrams.Count : 0);
    }

    /// <summary>Why inbound SRTP/SRTCP packets were refused (replayed, authentication failed, …); null once closed.</summary>
    public static SrtpDropCounters? SrtpDrops(RtcPeerConnection pc) => (InboundField?.GetValue(pc) as SrtpContext)?.Drops;
}
