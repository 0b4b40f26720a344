// Spec: https://www.rfc-editor.org/rfc/rfc9443#section-3 (demultiplexing), https://www.rfc-editor.org/rfc/rfc3711#section-3.3 (SRTP receive)
using System.Runtime.CompilerServices;
using Casto.WebRtc.Demux;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>The receive side: the pump demultiplexes ICE datagrams to DTLS, SRTP and SRTCP; readers take unprotected RTP.</summary>
internal sealed partial class RtcPeerConnection
{
    /// <summary>The next unprotected RTP packet; throws <see cref="PeerConnectionException"/> (Closed) after close.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadRtpAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _received.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.Closed, "The peer connection is closed.", ex);
        }
    }

    /// <summary>All unprotected RTP packets until the connection closes.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllRtpAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var packet in _received.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return packet;
        }
    }

    /// <summary>RFC 9443 demux of the ICE datagrams: DTLS to the DTLS transport, SRTP unprotected into the channel.</summary>
    private async Task PumpAsync(IceAgent ice, QueuedDatagramTransport dtlsQueue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var datagram in ice.Datagrams.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                using (datagram)
                {
                    switch (datagram.Kind)
                    {
                        case PacketKind.Dtls when Volatile.Read(ref _inbound) is not null && datagram.Data.Span[0] == DtlsAlertContentType:
                            // After the handshake the only alerts are close_notify or fatal ones: the association is over.
                            _ = Task.Run(CloseAsync, CancellationToken.None);
                            return;
                        case PacketKind.Dtls:
                            dtlsQueue.TryEnqueue(datagram.Data.Span);
                            break;
                        case PacketKind.Rtp:
                            Receive(datagram.Data.Span);
                            break;
                        case PacketKind.Rtcp:
                            ReceiveRtcp(datagram.Data.Span);
                            break;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
        }
    }

    private void Receive(ReadOnlySpan<byte> srtp)
    {
        SrtpContext? inbound = Volatile.Read(ref _inbound);
        if (inbound is null && !TryHoldEarly(srtp, out inbound))
        {
            return;
        }

        Unprotect(inbound!, srtp);
    }

    private void Unprotect(SrtpContext inbound, ReadOnlySpan<byte> srtp)
    {
        byte[] rtp = new byte[srtp.Length];
        if (inbound.TryUnprotect(srtp, rtp, out int length))
        {
            OnRtpReceived(rtp.AsSpan(0, length));
            NoteRemoteTrack(rtp.AsSpan(0, length));
            _received.Writer.TryWrite(rtp.AsMemory(0, length));
        }
        else
        {
            Interlocked.Increment(ref _undecryptable);
        }
    }
}
