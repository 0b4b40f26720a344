using Casto.WebRtc.Demux;

namespace Casto.WebRtc.Tests.Demux;

public class PacketClassifierTests
{
    [Theory]
    [InlineData(0, "Stun")]
    [InlineData(3, "Stun")]
    [InlineData(4, "Unknown")]
    [InlineData(15, "Unknown")]
    [InlineData(16, "Zrtp")]
    [InlineData(19, "Zrtp")]
    [InlineData(20, "Dtls")]
    [InlineData(22, "Dtls")]
    [InlineData(63, "Dtls")]
    [InlineData(64, "TurnChannel")]
    [InlineData(79, "TurnChannel")]
    [InlineData(80, "Quic")]
    [InlineData(127, "Quic")]
    [InlineData(128, "Rtp")]
    [InlineData(191, "Rtp")]
    [InlineData(192, "Unknown")]
    [InlineData(255, "Unknown")]
    public void First_byte_ranges(byte first, string expected) =>
        Assert.Equal(Enum.Parse<PacketKind>(expected), PacketClassifier.Classify([first, 96, 0, 0]));

    [Theory]
    [InlineData(0x80, 111, "Rtp")]      // Opus
    [InlineData(0x90, 96 | 0x80, "Rtp")] // VP8 with marker bit and extension
    [InlineData(0x80, 0, "Rtp")]        // PCMU
    [InlineData(0x80, 200, "Rtcp")]     // SR
    [InlineData(0x81, 201, "Rtcp")]     // RR
    [InlineData(0x81, 205, "Rtcp")]     // RTPFB (NACK)
    [InlineData(0x81, 206, "Rtcp")]     // PSFB (PLI)
    [InlineData(0x80, 192, "Rtcp")]
    [InlineData(0x80, 223, "Rtcp")]
    [InlineData(0x80, 224, "Rtp")]      // PT 96 with marker
    public void Rtp_and_rtcp_split_on_the_packet_type(byte first, byte second, string expected) =>
        Assert.Equal(Enum.Parse<PacketKind>(expected), PacketClassifier.Classify([first, second, 0, 0]));

    [Fact]
    public void Empty_and_one_byte_datagrams()
    {
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify([]));
        Assert.Equal(PacketKind.Rtp, PacketClassifier.Classify([0x80]));
        Assert.Equal(PacketKind.Stun, PacketClassifier.Classify(Vectors.Hex("rfc5769/sample-request.hex")));
    }

    [Fact]
    public void Every_byte_is_classified_without_throwing() =>
        Prop.ForAll<byte[]>(bytes => Enum.IsDefined(PacketClassifier.Classify(bytes ?? []))).QuickCheckThrowOnFailure();
}
