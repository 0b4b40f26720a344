using Casto.WebRtc.Codecs;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>RTP packets for peer-connection tests.</summary>
internal static class TestPackets
{
    /// <summary>One VP8 frame as RTP packets (payload type 96, marker on the last), 90 kHz timestamp.</summary>
    public static List<byte[]> Vp8(ReadOnlySpan<byte> frame, int pictureId, uint timestamp, uint ssrc, ref ushort seq)
    {
        var packets = new List<byte[]>();
        byte[] payload = new byte[1200];
        var packetizer = new Vp8Packetizer(frame, 1100, pictureId);
        while (packetizer.TryWriteNext(payload, out int n, out bool last))
        {
            var header = new RtpHeader { PayloadType = 96, SequenceNumber = seq++, Timestamp = timestamp, Ssrc = ssrc, Marker = last };
            byte[] packet = new byte[RtpPacket.GetSize(header, n)];
            RtpPacket.Write(header, payload.AsSpan(0, n), packet);
            packets.Add(packet);
        }

        return packets;
    }
}
