using System.Reflection;
using Casto.WebRtc.Ice;
using Casto.WebRtc.PeerConnection;

namespace Casto.LoadGen;

/// <summary>
/// The generator's own backlog inside <see cref="RtcPeerConnection"/>: the ICE agent drops datagrams when its
/// 256-entry queue to the receive pump is full (IceCounters.QueueFull), which no UDP counter shows. The agent is a
/// private field, so it is read by reflection; null when the field is gone (the connection's internals changed).
/// </summary>
internal static class IceDiagnostics
{
    private static readonly FieldInfo? IceField = typeof(RtcPeerConnection).GetField("_ice", BindingFlags.NonPublic | BindingFlags.Instance);

    public static (long QueueFull, int Queued)? Backlog(RtcPeerConnection pc)
    {
        if (IceField?.GetValue(pc) is not IceAgent ice)
        {
            return null;
        }

        return (ice.Counters.QueueFull, ice.Datagrams.CanCount ? ice.Datagrams.Count : 0);
    }
}
