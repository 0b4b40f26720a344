// Spec: https://www.rfc-editor.org/rfc/rfc3711#section-3.3 (SRTP send), https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (generic NACK)
using System.Buffers;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// Generic NACKs the connection does not answer itself (<see cref="RtcPeerConnectionOptions.RetransmissionHistorySize"/> 0).
/// <paramref name="sequenceNumbers"/> is valid only during the call.
/// </summary>
/// <param name="connection">The connection the NACK arrived on.</param>
/// <param name="mediaSsrc">The SSRC (one of ours) the NACK is about.</param>
/// <param name="sequenceNumbers">The sequence numbers the peer is missing.</param>
public delegate void RtcNackHandler(RtcPeerConnection connection, uint mediaSsrc, ReadOnlySpan<ushort> sequenceNumbers);

/// <summary>The media send path: protect into a pooled buffer, send synchronously; nothing allocated, nothing thrown.</summary>
public sealed partial class RtcPeerConnection
{
    /// <summary>
    /// Largest RTP packet sent: with the largest SRTP tag (16 bytes, AES-GCM) the datagram stays within the 1,500
    /// bytes a receiver reads (<c>MaxDatagramSize</c>); a larger one would be sent and then lost.
    /// </summary>
    public const int MaxRtpPacketSize = 1484;

    private long _sendDropped;

    /// <summary>
    /// Raised on the receive thread when the peer NACKs packets and this connection keeps no history
    /// (<see cref="RtcPeerConnectionOptions.RetransmissionHistorySize"/> 0): resend them with <see cref="TrySendRtp(ReadOnlySpan{byte})"/>.
    /// </summary>
    public event RtcNackHandler? NackReceived;

    /// <summary>RTP packets <see cref="TrySendRtp(ReadOnlySpan{byte})"/> did not send: not connected, closed, malformed, too large, or no ICE pair.</summary>
    public long RtpSendDropped => Interlocked.Read(ref _sendDropped);

    /// <summary>
    /// Protects <paramref name="rtpPacket"/> (RTP, at most <see cref="MaxRtpPacketSize"/> bytes) into a pooled buffer and
    /// sends it synchronously on the selected ICE pair. Never throws and never allocates: returns false, counted in
    /// <see cref="RtpSendDropped"/>, when the packet cannot go (before connected, after close, malformed).
    /// </summary>
    public bool TrySendRtp(ReadOnlySpan<byte> rtpPacket) => TrySendRtp(rtpPacket, default);

    /// <summary>Like <see cref="TrySendRtp(ReadOnlySpan{byte})"/>, with header fields rewritten on the way (the input is not changed).</summary>
    public bool TrySendRtp(ReadOnlySpan<byte> rtpPacket, in RtcRtpRewrite rewrite)
    {
        SrtpContext? outbound = Volatile.Read(ref _outbound);
        var ice = _ice;
        if (outbound is null || ice is null || rtpPacket.Length is < 12 or > MaxRtpPacketSize)
        {
            Interlocked.Increment(ref _sendDropped);
            return false;
        }

        try
        {
            if (ProtectAndSend(outbound, ice, rtpPacket, rewrite))
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is SrtpException or ObjectDisposedException)
        {
            // Malformed, a sequence number before the stream's start, keys exhausted, or closing.
        }

        Interlocked.Increment(ref _sendDropped);
        return false;
    }

    /// <summary>
    /// Like <see cref="TrySendRtp(ReadOnlySpan{byte}, in RtcRtpRewrite)"/>, protecting into <paramref name="batch"/>,
    /// which sends at its <see cref="RtcSendBatch.Flush"/> (a connection that is not on an <see cref="IceUdpMux"/>
    /// sends at once). True when queued or sent; the caller flushes.
    /// </summary>
    public bool TrySendRtp(ReadOnlySpan<byte> rtpPacket, in RtcRtpRewrite rewrite, RtcSendBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        SrtpContext? outbound = Volatile.Read(ref _outbound);
        var ice = _ice;
        if (outbound is null || ice is null || rtpPacket.Length is < 12 or > MaxRtpPacketSize)
        {
            Interlocked.Increment(ref _sendDropped);
            return false;
        }

        if (!ice.TryGetMuxTarget(out var socket, out var remote))
        {
            return TrySendRtp(rtpPacket, rewrite);
        }

        try
        {
            Span<byte> slot = batch.Udp.Reserve(socket);
            batch.Udp.Commit(Protect(outbound, rtpPacket, rewrite, slot), remote);
            return true;
        }
        catch (Exception ex) when (ex is SrtpException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _sendDropped);
            return false;
        }
    }

    /// <summary>
    /// The one send path of RTP: protects (see <see cref="Protect"/>) into a pooled buffer and sends it on the ICE pair.
    /// False when ICE has no pair or is closed; throws <see cref="SrtpException"/> (or <see cref="ObjectDisposedException"/>
    /// while closing) when it cannot be protected.
    /// </summary>
    private bool ProtectAndSend(SrtpContext outbound, IceAgent ice, ReadOnlySpan<byte> rtpPacket, in RtcRtpRewrite rewrite)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(rtpPacket.Length + outbound.RtpOverhead);
        try
        {
            return ice.TrySend(buffer.AsSpan(0, Protect(outbound, rtpPacket, rewrite, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Records the packet for RTCP and protects it (after <paramref name="rewrite"/>, on a copy) into <paramref name="destination"/>; returns the SRTP length.</summary>
    private int Protect(SrtpContext outbound, ReadOnlySpan<byte> rtpPacket, in RtcRtpRewrite rewrite, Span<byte> destination)
    {
        if (rewrite.IsIdentity)
        {
            OnRtpSent(rtpPacket);
            lock (_sendLock)
            {
                return outbound.Protect(rtpPacket, destination);
            }
        }

        Span<byte> packet = destination[..rtpPacket.Length];
        rtpPacket.CopyTo(packet);
        rewrite.Apply(packet);
        OnRtpSent(packet);
        lock (_sendLock)
        {
            return outbound.ProtectInPlace(destination, packet.Length);
        }
    }

    /// <summary>Hook (RTCP session, receive thread): NACKs for packets we keep no history of.</summary>
    private void OnExternalNack(uint mediaSsrc, ReadOnlySpan<ushort> lost) => NackReceived?.Invoke(this, mediaSsrc, lost);
}
