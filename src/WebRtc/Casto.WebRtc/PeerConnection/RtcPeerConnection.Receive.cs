// Spec: https://www.rfc-editor.org/rfc/rfc9443#section-3 (demultiplexing), https://www.rfc-editor.org/rfc/rfc3711#section-3.3 (SRTP receive)
using System.Runtime.CompilerServices;
using Casto.WebRtc.Demux;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// Receives one unprotected RTP packet. <paramref name="packet"/> is only valid during the call (it is the pooled
/// receive buffer, decrypted in place): copy what you keep.
/// </summary>
/// <param name="connection">The connection it arrived on.</param>
/// <param name="packet">The RTP packet (header and payload), unprotected.</param>
public delegate void RtcRtpHandler(RtcPeerConnection connection, ReadOnlySpan<byte> packet);

/// <summary>The receive side: the pump demultiplexes ICE datagrams to DTLS, SRTP and SRTCP; packets go to handlers and the queue.</summary>
public sealed partial class RtcPeerConnection
{
    private long _receiveQueueDropped;
    private long _handlerFaults;
    private long _packetReceivedAt;

    /// <summary>
    /// Raised on the receive thread for every unprotected RTP packet, without a copy: the span is the pooled receive
    /// buffer, decrypted in place, valid only during the call. Keep handlers short (a relay forwards from here). An
    /// exception from a handler is counted in <see cref="HandlerFaults"/> and the packet is dropped for the rest.
    /// </summary>
    public event RtcRtpHandler? RtpReceived;

    /// <summary>
    /// Inside an <see cref="RtpReceived"/> handler: when the packet's datagram came off the socket, as a timestamp of
    /// <see cref="RtcPeerConnectionOptions.TimeProvider"/> (<c>TimeProvider.GetElapsedTime</c> gives how long it has been
    /// inside this process); 0 when unknown. A packet held back until the keys arrived carries the time of the datagram that released it.
    /// </summary>
    public long PacketReceivedTimestamp => _packetReceivedAt;

    /// <summary>Packets dropped because the receive queue (<see cref="RtcPeerConnectionOptions.ReceiveQueueCapacity"/>) was full: the oldest goes.</summary>
    public long ReceiveQueueDropped => Interlocked.Read(ref _receiveQueueDropped);

    /// <summary>Exceptions thrown by <see cref="RtpReceived"/> handlers (each one dropped that packet for later handlers).</summary>
    public long HandlerFaults => Interlocked.Read(ref _handlerFaults);

    /// <summary>
    /// The next unprotected RTP packet from the receive queue (a copy; see <see cref="RtpReceived"/> for the zero-copy
    /// path). Throws <see cref="PeerConnectionException"/> (Closed) after close, InvalidState when the queue is off.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadRtpAsync(CancellationToken cancellationToken = default)
    {
        var queue = _received ?? throw State("The receive queue is off (ReceiveQueueCapacity = 0); use RtpReceived.");
        try
        {
            return await queue.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.Closed, "The peer connection is closed.", ex);
        }
    }

    /// <summary>All queued unprotected RTP packets (copies) until the connection closes.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllRtpAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var queue = _received ?? throw State("The receive queue is off (ReceiveQueueCapacity = 0); use RtpReceived.");
        await foreach (var packet in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return packet;
        }
    }

    /// <summary>RFC 9443 demux of the ICE datagrams: DTLS to the DTLS transport, SRTP unprotected in place.</summary>
    private async Task PumpAsync(IceAgent ice, QueuedDatagramTransport dtlsQueue, CancellationToken cancellationToken)
    {
        // No token on the wait: a cancelable wait allocates a waiter per datagram. Close completes the ICE channel.
        var reader = ice.Datagrams;
        try
        {
            while (!cancellationToken.IsCancellationRequested && await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (reader.TryRead(out var datagram))
                {
                    using (datagram)
                    {
                        if (!Dispatch(datagram, dtlsQueue))
                        {
                            return;
                        }
                    }
                }
            }
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
        }
        catch (ObjectDisposedException)
        {
            // Closing released the SRTP keys while a datagram was being unprotected: the pump is done.
        }
    }

    /// <summary>One datagram to DTLS, SRTP or SRTCP; false when a DTLS alert ended the association.</summary>
    private bool Dispatch(IceDatagram datagram, QueuedDatagramTransport dtlsQueue)
    {
        switch (datagram.Kind)
        {
            case PacketKind.Dtls when Volatile.Read(ref _inbound) is not null && datagram.Data.Span[0] == DtlsAlertContentType:
                // After the handshake the only alerts are close_notify or fatal ones: the association is over.
                _ = Task.Run(CloseAsync, CancellationToken.None);
                return false;
            case PacketKind.Dtls:
                if (dtlsQueue.TryEnqueue(datagram.Data.Span))
                {
                    Volatile.Read(ref _dtls)?.ServiceLateRecords(); // after the handshake: the peer repeating a flight we answered
                }

                break;
            case PacketKind.Rtp:
                _packetReceivedAt = datagram.ReceivedAt;
                Receive(datagram.Writable);
                break;
            case PacketKind.Rtcp:
                ReceiveRtcp(datagram.Writable);
                break;
        }

        return true;
    }

    private void Receive(Span<byte> srtp)
    {
        SrtpContext? inbound = Volatile.Read(ref _inbound);
        if (inbound is null && !TryHoldEarly(srtp, out inbound))
        {
            return;
        }

        Unprotect(inbound!, srtp);
    }

    /// <summary>Decrypts in place, then hands the packet to RTCP, the handlers and the queue.</summary>
    private void Unprotect(SrtpContext inbound, Span<byte> srtp)
    {
        if (!inbound.TryUnprotect(srtp, srtp, out int length))
        {
            Interlocked.Increment(ref _undecryptable);
            Log.UndecryptableRtp(_logger, _streamId);
            return;
        }

        ReadOnlySpan<byte> rtp = srtp[..length];
        NoteMediaReceived();
        OnRtpReceived(rtp);
        NoteRemoteTrack(rtp);
        if (RtpReceived is { } handlers)
        {
            Dispatch(handlers, rtp);
        }

        if (_received is not null && !_received.Writer.TryWrite(rtp.ToArray()))
        {
            Interlocked.Increment(ref _receiveQueueDropped); // only after close; a full queue drops the oldest itself
        }
    }

    private void Dispatch(RtcRtpHandler handlers, ReadOnlySpan<byte> rtp)
    {
        try
        {
            handlers(this, rtp);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _handlerFaults);
            Log.HandlerFault(_logger, ex);
        }
    }
}
