using Casto.WebRtc.Ice;

namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// Outgoing SRTP datagrams of many connections gathered and sent together: with
/// <see cref="RtcPeerConnection.TrySendRtp(ReadOnlySpan{byte}, in RtcRtpRewrite, RtcSendBatch)"/> a fan-out protects
/// each child's copy straight into the batch, and <see cref="Flush"/> hands them to the kernel in one
/// <c>sendmmsg(2)</c> per socket on Linux (one send each elsewhere). Only connections on an
/// <see cref="IceUdpMux"/> are batched; the others send at once. Allocates once; not thread-safe (one per sending
/// thread, e.g. per forwarded track under its lock).
/// </summary>
public sealed class RtcSendBatch : IDisposable
{
    /// <summary>A batch of up to <paramref name="capacity"/> datagrams (1–1024, default 64); it flushes itself when full.</summary>
    public RtcSendBatch(int capacity = 64) => Udp = new UdpSendBatch(capacity);

    /// <summary>Datagrams sent by flushes.</summary>
    public long Sent => Udp.Sent;

    /// <summary>Datagrams the kernel refused at a flush (a full socket buffer, an unreachable address), dropped.</summary>
    public long Failed => Udp.Failed;

    /// <summary>System calls the flushes made (datagrams per call = <see cref="Sent"/> / this).</summary>
    public long SystemCalls => Udp.Calls;

    /// <summary>Datagrams queued, not yet sent.</summary>
    public int Count => Udp.Count;

    internal UdpSendBatch Udp { get; }

    /// <summary>Sends what is queued; returns how many datagrams went.</summary>
    public int Flush() => Udp.Flush();

    /// <summary>Frees the native buffers (what is queued is not sent).</summary>
    public void Dispose() => Udp.Dispose();
}
