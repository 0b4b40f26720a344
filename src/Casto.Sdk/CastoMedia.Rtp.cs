using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Casto.WebRtc.Codecs;

namespace Casto.Sdk;

public sealed partial class CastoMedia
{
    /// <summary>
    /// Sends the stream's video RTP packets, as received (the broadcaster's numbering, this peer's payload type), to
    /// <paramref name="destination"/> over plain UDP, e.g. for <c>ffplay -protocol_whitelist file,udp,rtp -i
    /// stream.sdp</c> with the file from <see cref="WriteSdpFile"/>. Runs until the stream ends, this media is
    /// disposed or <paramref name="cancellationToken"/> is cancelled (its normal end, not an error); returns the
    /// packets sent. A packet the socket cannot take at once is dropped (UDP has no back-pressure).
    /// </summary>
    public async Task<long> ForwardRtpAsync(IPEndPoint destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var socket = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(destination);
        socket.Blocking = false;
        var sink = new RtpForwarder(socket);
        _player.Add(sink);
        try
        {
            await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _player.Remove(sink);
        }

        return sink.Sent;
    }

    /// <summary>
    /// Writes an SDP file describing the RTP that <see cref="ForwardRtpAsync"/> sends to <paramref name="destination"/>
    /// (codec, payload type, clock rate), for ffplay, VLC or GStreamer to open.
    /// </summary>
    public void WriteSdpFile(string path, IPEndPoint destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(destination);
        File.WriteAllText(path, CreateSdp(destination), Encoding.ASCII);
    }

    /// <summary>The SDP of <see cref="WriteSdpFile"/>.</summary>
    public string CreateSdp(IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int pt = _player.PayloadType >= 0 ? _player.PayloadType : 96;
        string family = destination.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        string codec = _player.Codec == RtcCodec.H264 ? "H264" : "VP8";
        var sdp = new StringBuilder();
        sdp.Append("v=0\r\n")
            .Append(CultureInfo.InvariantCulture, $"o=- 0 0 IN {family} {destination.Address}\r\n")
            .Append(CultureInfo.InvariantCulture, $"s=Casto {Stream}\r\n")
            .Append(CultureInfo.InvariantCulture, $"c=IN {family} {destination.Address}\r\n")
            .Append("t=0 0\r\n")
            .Append(CultureInfo.InvariantCulture, $"m=video {destination.Port} RTP/AVP {pt}\r\n")
            .Append(CultureInfo.InvariantCulture, $"a=rtpmap:{pt} {codec}/90000\r\n");
        if (codec == "H264")
        {
            sdp.Append(CultureInfo.InvariantCulture, $"a=fmtp:{pt} packetization-mode=1\r\n");
        }

        return sdp.Append("a=recvonly\r\n").ToString();
    }

    /// <summary>One UDP datagram per RTP packet, sent synchronously from the receive thread (non-blocking: a full socket drops).</summary>
    private sealed class RtpForwarder(Socket socket) : IPacketSink
    {
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);

        public void OnPacket(RtcCodec codec, int payloadType, ReadOnlySpan<byte> packet)
        {
            try
            {
                if (socket.Send(packet, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success)
                {
                    Interlocked.Increment(ref _sent);
                }
            }
            catch (ObjectDisposedException)
            {
                // Stopped between the snapshot of sinks and this packet.
            }
        }
    }
}
