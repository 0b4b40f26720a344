// Spec: https://www.rfc-editor.org/rfc/rfc7741#section-4 (VP8 RTP payload), https://www.rfc-editor.org/rfc/rfc3550#section-5.1
using System.Buffers;
using System.Security.Cryptography;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// Sends a VP8 or H264 <see cref="MediaClip"/> over a connected <see cref="RtcPeerConnection"/> in real time: frames paced by
/// <see cref="PacedMediaSource"/>, packetized per RFC 7741 with a 15-bit picture ID, random initial sequence number
/// and timestamp (RFC 3550 §5.1), the negotiated payload type and the connection's SSRC. Buffers are reused.
/// </summary>
public static class RtcClipSender
{
    /// <summary>Largest RTP payload we produce; leaves room for SRTP and IP/UDP under a 1,280-byte path MTU.</summary>
    public const int MaxPayloadSize = 1100;

    /// <summary>Sends until the clip ends (or forever with <paramref name="loop"/>), the connection closes or cancellation.</summary>
    /// <returns>The number of RTP packets sent.</returns>
    public static async Task<long> SendAsync(RtcPeerConnection connection, MediaClip clip, bool loop, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(clip);
        bool h264 = string.Equals(clip.Codec, "H264", StringComparison.OrdinalIgnoreCase);
        if ((connection.VideoCodec == RtcCodec.H264) != h264)
        {
            throw new PeerConnectionException(PeerConnectionError.InvalidState, $"The clip is {clip.Codec} but the connection negotiated {connection.VideoCodec}.");
        }

        var source = new PacedMediaSource(clip, new PacedSourceOptions { Loop = loop, InitialRtpTimestamp = (uint)RandomNumberGenerator.GetInt32(int.MaxValue) }, timeProvider);
        ushort sequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue);
        int pictureId = RandomNumberGenerator.GetInt32(0x8000);
        byte[] packets = [];
        var bounds = new List<(int Offset, int Length)>();
        long sent = 0;
        try
        {
            await foreach (var frame in source.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var header = new RtpHeader
                {
                    PayloadType = (byte)connection.VideoPayloadType,
                    Timestamp = frame.RtpTimestamp,
                    Ssrc = connection.Ssrc,
                };
                packets = h264
                    ? PacketizeH264(frame.Data.Span, header, ref sequence, packets, bounds)
                    : Packetize(frame.Data.Span, pictureId, header, ref sequence, packets, bounds);
                foreach (var (offset, length) in bounds)
                {
                    await connection.SendRtpAsync(packets.AsMemory(offset, length), cancellationToken).ConfigureAwait(false);
                    sent++;
                }

                pictureId = (pictureId + 1) & 0x7FFF;
            }
        }
        catch (PeerConnectionException) when (connection.ConnectionState is RtcPeerConnectionState.Closed or RtcPeerConnectionState.Failed)
        {
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return sent;
    }

    /// <summary>Writes an H264 access unit's RTP packets (single NAL units and FU-A) back to back into <paramref name="buffer"/>.</summary>
    internal static byte[] PacketizeH264(ReadOnlySpan<byte> accessUnit, RtpHeader header, ref ushort sequence, byte[] buffer, List<(int Offset, int Length)> bounds)
    {
        bounds.Clear();
        int needed = ((accessUnit.Length / (MaxPayloadSize - 2)) + 16) * (MaxPayloadSize + header.GetSize());
        if (buffer.Length < needed)
        {
            buffer = new byte[needed];
        }

        byte[] payloadArray = ArrayPool<byte>.Shared.Rent(MaxPayloadSize);
        var packetizer = new H264Packetizer(accessUnit, MaxPayloadSize);
        int offset = 0;
        while (packetizer.TryWriteNext(payloadArray, out int written, out bool last))
        {
            if (offset + MaxPayloadSize + header.GetSize() > buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // many small NAL units: rare, and the buffer is reused
            }

            var h = header with { SequenceNumber = sequence++, Marker = last };
            int length = RtpPacket.Write(h, payloadArray.AsSpan(0, written), buffer.AsSpan(offset));
            bounds.Add((offset, length));
            offset += length;
        }

        ArrayPool<byte>.Shared.Return(payloadArray);
        return buffer;
    }

    /// <summary>Writes the frame's RTP packets back to back into <paramref name="buffer"/> (grown when needed).</summary>
    internal static byte[] Packetize(ReadOnlySpan<byte> frame, int pictureId, RtpHeader header, ref ushort sequence, byte[] buffer, List<(int Offset, int Length)> bounds)
    {
        bounds.Clear();
        var packetizer = new Vp8Packetizer(frame, MaxPayloadSize, pictureId);
        int needed = packetizer.PacketCount * (MaxPayloadSize + header.GetSize());
        if (buffer.Length < needed)
        {
            buffer = new byte[needed];
        }

        byte[] payloadArray = ArrayPool<byte>.Shared.Rent(MaxPayloadSize);
        Span<byte> payload = payloadArray;
        int offset = 0;
        while (packetizer.TryWriteNext(payload, out int written, out bool last))
        {
            var h = header with { SequenceNumber = sequence++, Marker = last };
            int length = RtpPacket.Write(h, payload[..written], buffer.AsSpan(offset));
            bounds.Add((offset, length));
            offset += length;
        }

        ArrayPool<byte>.Shared.Return(payloadArray);
        return buffer;
    }
}
