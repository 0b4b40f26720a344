// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-11.6 (Data indication), §12.6 (receiving ChannelData)
using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Turn;

/// <summary>The receive loop: responses complete transactions, ChannelData and Data indications go to <see cref="DataReceived"/>.</summary>
internal sealed partial class TurnClient
{
    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[_options.MaxDatagramSize];
        var source = new SocketAddress(_socket.AddressFamily);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, source, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.ConnectionRefused)
            {
                continue;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (!source.Equals(_server))
            {
                Interlocked.Increment(ref _dropped); // only the server talks to this socket
                continue;
            }

            try
            {
                OnDatagram(buffer.AsSpan(0, length));
            }
            catch (Exception ex) when (ex is TurnException or StunException)
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    private void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        if (TurnChannelData.TryRead(datagram, out var channel, out var data))
        {
            SocketAddress? peer = null;
            lock (_gate)
            {
                if (_channelsByNumber.TryGetValue(channel, out var binding) && binding.Bound)
                {
                    peer = binding.PeerAddress;
                }
            }

            Deliver(data, peer);
            return;
        }

        if (!StunMessage.TryRead(datagram, out var message))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        switch (message.Class)
        {
            case StunClass.Indication when message.Method == StunMethod.Data:
                if (message.TryGetXorPeerAddress(out var from) && message.TryGetData(out var payload))
                {
                    Deliver(payload, from!.Serialize()); // fallback path: allocates the peer address
                }
                else
                {
                    Interlocked.Increment(ref _dropped);
                }

                break;
            case StunClass.SuccessResponse or StunClass.ErrorResponse:
                TaskCompletionSource<byte[]>? pending;
                lock (_gate)
                {
                    _pending.TryGetValue(Key(message.TransactionId), out pending);
                }

                if (pending is null)
                {
                    Interlocked.Increment(ref _dropped); // late retransmission answer, or unsolicited
                }
                else
                {
                    pending.TrySetResult(message.Raw.ToArray());
                }

                break;
            default:
                Interlocked.Increment(ref _dropped);
                break;
        }
    }

    private void Deliver(ReadOnlySpan<byte> data, SocketAddress? peer)
    {
        if (peer is null || DataReceived is not { } handler)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        Interlocked.Increment(ref _received);
        handler(data, peer);
    }
}
