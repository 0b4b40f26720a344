using System.Net;
using System.Net.Sockets;
using Casto.Relay.Forwarding;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.Sdk;

/// <summary>
/// RTP from a local encoder (ffmpeg <c>-f rtp</c>) published on the peer's forwarding node: a send-only connection to
/// the node, like a WHIP client's, carrying each datagram with its payload type and SSRC rewritten to the negotiated
/// ones. Key frame requests cannot reach the encoder: give it a short key frame interval (ffmpeg <c>-g 30</c>).
/// </summary>
internal sealed class RtpSource(IPEndPoint endPoint, CastoCodec codec) : CastoSource
{
    private Socket? _socket;

    internal override string Describe() => $"RTP on udp {endPoint}";

    internal override ValueTask PrepareAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = 1 << 20;
            socket.Bind(endPoint);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new CastoException(CastoError.AddressInUse, $"Cannot receive RTP on {endPoint}: {ex.Message}", ex);
        }

        _socket = socket;
        return ValueTask.CompletedTask;
    }

    internal override ValueTask ReleaseAsync()
    {
        _socket?.Dispose();
        return ValueTask.CompletedTask;
    }

    internal override async Task<IAsyncDisposable> StartAsync(CastoPeer peer, CancellationToken cancellationToken)
    {
        var connection = new RtcPeerConnection(new RtcPeerConnectionOptions
        {
            Direction = SdpDirection.SendOnly, Audio = false, ReceiveQueueCapacity = 0, TimeProvider = peer.Options.TimeProvider,
            VideoCodecs = [codec == CastoCodec.H264 ? RtcCodec.H264 : RtcCodec.Vp8],
        });
        try
        {
            string offer = await connection.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
            connection.SetLocalDescription(RtcSdpType.Offer, offer);
            var session = await peer.Peer.Forwarding.PublishAsync(peer.Stream, offer, cancellationToken).ConfigureAwait(false);
            connection.SetRemoteDescription(RtcSdpType.Answer, session.Answer);
            await connection.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (ex is ForwardingException or PeerConnectionException)
            {
                throw new CastoException(CastoError.PublishFailed, $"Cannot publish '{peer.Stream}': {ex.Message}", ex);
            }

            throw;
        }

        return new Ingest(_socket!, connection);
    }

    /// <summary>The receive loop: one reused buffer, one send per datagram.</summary>
    private sealed class Ingest : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly RtcPeerConnection _connection;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Ingest(Socket socket, RtcPeerConnection connection)
        {
            (_socket, _connection) = (socket, connection);
            _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            byte[] buffer = new byte[2048];
            var rewrite = new RtcRtpRewrite(_connection.Ssrc, _connection.VideoPayloadType, 0, 0);
            try
            {
                while (true)
                {
                    int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    if (n >= 12 && (buffer[0] >> 6) == 2 && (buffer[1] & 0x7F) is < 64 or > 95)
                    {
                        _connection.TrySendRtp(buffer.AsSpan(0, n), rewrite); // too large or not connected: counted by the connection
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _socket.Dispose();
            await _loop.ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
