using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>RTP packets for peer-connection tests.</summary>
internal static class TestPackets
{
    /// <summary>One VP8 frame as RTP packets (payload type 96, marker on the last), packetized like <see cref="RtcClipSender"/>.</summary>
    public static List<byte[]> Vp8(ReadOnlySpan<byte> frame, int pictureId, uint timestamp, uint ssrc, ref ushort seq)
    {
        var bounds = new List<(int Offset, int Length)>();
        var header = new RtpHeader { PayloadType = 96, Timestamp = timestamp, Ssrc = ssrc };
        byte[] buffer = RtcClipSender.Packetize(frame, pictureId, header, ref seq, [], bounds);
        return [.. bounds.Select(b => buffer.AsSpan(b.Offset, b.Length).ToArray())];
    }
}
