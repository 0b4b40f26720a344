// Spec: https://www.rfc-editor.org/rfc/rfc8834#section-5.1 (WebRTC RTP/RTCP: NACK, PLI, FIR, compound RTCP),
//       https://www.rfc-editor.org/rfc/rfc3711#section-3.4 (SRTCP), https://www.rfc-editor.org/rfc/rfc4588#section-1 (retransmission without RTX)
using System.Buffers;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// RTCP wiring: an <see cref="RtcpSession"/> created when SRTP keys exist, fed by small hooks in the send and
/// receive paths; NACKed packets are re-protected and resent with the same SSRC and sequence number (no RTX).
/// </summary>
public sealed partial class RtcPeerConnection
{
    /// <summary>
    /// SRTP replay window: Chromium uses 1024 for video (libsrtp's default is 128, ours 64), so retransmissions
    /// answering NACKs, which arrive many packets late on a busy stream, are not dropped as replays.
    /// </summary>
    private const int SrtpReplayWindow = 1024;

    private RtcpSession? _rtcp;

    /// <summary>The peer asked for a key frame (PLI or FIR); raised on the receive thread. Send one soon.</summary>
    public event EventHandler<KeyFrameRequest>? KeyFrameRequested;

    /// <summary>getStats-lite: RTP/RTCP counters of this connection (zeros before it connects).</summary>
    public RtcpStats GetStats()
    {
        var drops = Volatile.Read(ref _inbound)?.Drops;
        var ice = _ice?.Counters;
        return (Volatile.Read(ref _rtcp)?.GetStats() ?? default) with
        {
            UndecryptablePackets = UndecryptablePackets,
            SrtpReplayed = drops?.Replayed ?? 0,
            SrtpAuthenticationFailed = drops?.AuthenticationFailed ?? 0,
            IceQueueDrops = ice?.QueueFull ?? 0,
            IceUnvalidatedSource = ice?.UnvalidatedSource ?? 0,
        };
    }

    /// <summary>Sends a PLI (in RR + SDES) for <paramref name="mediaSsrc"/>, or for the last remote SSRC seen when 0.</summary>
    public async ValueTask RequestKeyFrameAsync(uint mediaSsrc = 0, CancellationToken cancellationToken = default)
    {
        RtcpSession session = Volatile.Read(ref _rtcp) ?? throw State("Not connected yet.");
        SrtpContext outbound = Volatile.Read(ref _outbound) ?? throw State("Not connected.");
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RtcpSession.MaxCompoundSize + outbound.RtcpOverhead);
        try
        {
            int length = session.WriteKeyFrameRequest(buffer, mediaSsrc);
            if (length == 0)
            {
                throw State("No remote media SSRC is known yet.");
            }

            lock (_sendLock)
            {
                length = outbound.ProtectRtcpInPlace(buffer, length);
            }

            await SendAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        catch (SrtpException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.InvalidState, "Cannot protect the RTCP packet: " + ex.Message, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hook (connect): starts RTCP once SRTP is keyed.</summary>
    private void StartRtcp()
    {
        var session = new RtcpSession(Ssrc, _streamId, _options.EffectiveRtcp(), SendRtcpCompound, Retransmit)
        {
            NackReceived = OnExternalNack,
            Ticked = CheckMediaTimeout,
        };
        session.KeyFrameRequested += (_, request) => KeyFrameRequested?.Invoke(this, request);
        session.ByeReceived += OnBye;
        session.AddPayloadType(VideoPayloadType, 90_000, feedback: true);
        if (AudioPayloadType >= 0)
        {
            session.AddPayloadType(AudioPayloadType, 48_000, feedback: false); // Opus: no NACK/PLI negotiated
        }

        lock (_senderClocks)
        {
            ApplySenderClocks(session);
            Volatile.Write(ref _rtcp, session);
        }

        session.Start();
    }

    /// <summary>Hook (close, before SRTP is dropped): BYE to the peer, timers stopped; stats stay readable.</summary>
    private async Task StopRtcpAsync()
    {
        RtcpSession? session = Volatile.Read(ref _rtcp);
        SrtpContext? outbound = Volatile.Read(ref _outbound);
        if (session is null || outbound is null)
        {
            session?.Dispose();
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(RtcpSession.MaxCompoundSize + outbound.RtcpOverhead);
        int length = session.WriteBye(buffer);
        session.Dispose();
        try
        {
            lock (_sendLock)
            {
                length = outbound.ProtectRtcpInPlace(buffer, length);
            }
        }
        catch (SrtpException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }

        await SendPooledAsync(buffer, length).ConfigureAwait(false);
    }

    /// <summary>Hook (receive pump): an SRTCP datagram, unprotected in place. Undecryptable ones are counted, malformed RTCP is counted by the session.</summary>
    private void ReceiveRtcp(Span<byte> srtcp)
    {
        SrtpContext? inbound = Volatile.Read(ref _inbound);
        RtcpSession? session = Volatile.Read(ref _rtcp);
        if (inbound is null || session is null)
        {
            return;
        }

        if (inbound.TryUnprotectRtcp(srtcp, srtcp, out int length))
        {
            NoteRtcpReceived();
            session.OnRtcp(srtcp[..length]);
        }
        else
        {
            Interlocked.Increment(ref _undecryptable);
            Log.UndecryptableRtcp(_logger, _streamId);
        }
    }

    /// <summary>Hook (send path): records a sent RTP packet.</summary>
    private void OnRtpSent(ReadOnlySpan<byte> rtp) => Volatile.Read(ref _rtcp)?.OnRtpSent(rtp);

    /// <summary>Hook (receive path): records a received RTP packet.</summary>
    private void OnRtpReceived(ReadOnlySpan<byte> rtp) => Volatile.Read(ref _rtcp)?.OnRtpReceived(rtp);

    /// <summary>Protects and sends any RTCP bytes (version 2, at least 8 bytes) as they are; for tests and diagnostics.</summary>
    internal void SendRawRtcp(ReadOnlySpan<byte> rtcp) => SendProtected(rtcp, isRtcp: true);

    private void SendRtcpCompound(ReadOnlySpan<byte> rtcp) => SendProtected(rtcp, isRtcp: true);

    private void Retransmit(ReadOnlySpan<byte> rtp) => SendProtected(rtp, isRtcp: false);

    /// <summary>Protects into a pooled buffer and sends without waiting; lost like any datagram on failure.</summary>
    private void SendProtected(ReadOnlySpan<byte> packet, bool isRtcp)
    {
        SrtpContext? outbound = Volatile.Read(ref _outbound);
        if (outbound is null)
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(packet.Length + Math.Max(outbound.RtcpOverhead, outbound.RtpOverhead));
        int length;
        try
        {
            lock (_sendLock)
            {
                length = isRtcp ? outbound.ProtectRtcp(packet, buffer) : outbound.Protect(packet, buffer);
            }
        }
        catch (Exception ex) when (ex is SrtpException or ObjectDisposedException) // keys exhausted, or closing
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }

        _ = SendPooledAsync(buffer, length);
    }

    private async Task SendPooledAsync(byte[] buffer, int length)
    {
        try
        {
            await SendAsync(buffer.AsMemory(0, length), CancellationToken.None).ConfigureAwait(false);
        }
        catch (PeerConnectionException)
        {
            // Lost like any datagram.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
