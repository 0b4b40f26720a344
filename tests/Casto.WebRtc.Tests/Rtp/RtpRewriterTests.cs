using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Tests.Rtp;

public class RtpRewriterTests
{
    [Fact]
    public void Rewrites_fields_in_place_and_keeps_the_rest()
    {
        byte[] packet =
        [
            0x90, 0xE0, 0x69, 0x8F, 0xD9, 0xC2, 0x93, 0xDA, 0x1C, 0x64, 0x27, 0x82,
            0x00, 0x01, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x98, 0x36, 0xBE, 0x88, 0x9E,
        ];
        RtpRewriter.SetSsrc(packet, 0xCAFEBABE);
        RtpRewriter.SetSequenceNumber(packet, 65535);
        RtpRewriter.SetTimestamp(packet, 42);
        RtpRewriter.SetPayloadType(packet, 111);

        Assert.True(RtpPacket.TryRead(packet, out RtpHeader h, out ReadOnlySpan<byte> payload));
        Assert.Equal(0xCAFEBABEu, h.Ssrc);
        Assert.Equal(65535, h.SequenceNumber);
        Assert.Equal(42u, h.Timestamp);
        Assert.Equal(111, h.PayloadType);
        Assert.True(h.Marker);
        Assert.Equal(5, payload.Length);
        RtpRewriter.SetMarker(packet, false);
        Assert.Equal(111, RtpRewriter.GetPayloadType(packet));
        Assert.Equal(0x6F, packet[1]);
        Assert.Throws<RtpException>(() => RtpRewriter.SetSsrc(new byte[11], 1));
        Assert.Throws<RtpException>(() => RtpRewriter.SetPayloadType(packet, 200));
    }

    [Fact]
    public void Rewrite_round_trips_any_values()
    {
        Prop.ForAll<ushort, uint, uint>((seq, ts, ssrc) =>
        {
            var buffer = new byte[20];
            RtpPacket.Write(new RtpHeader { PayloadType = 96 }, [1, 2, 3, 4, 5, 6, 7, 8], buffer);
            RtpRewriter.SetSequenceNumber(buffer, seq);
            RtpRewriter.SetTimestamp(buffer, ts);
            RtpRewriter.SetSsrc(buffer, ssrc);
            Assert.True(RtpPacket.TryRead(buffer, out RtpHeader h, out _));
            Assert.Equal((seq, ts, ssrc), (h.SequenceNumber, h.Timestamp, h.Ssrc));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Sequence_helpers_handle_wrap()
    {
        Assert.True(RtpSequence.IsNewer(0, 65535));
        Assert.False(RtpSequence.IsNewer(65535, 0));
        Assert.Equal(2, RtpSequence.Distance(65535, 1));
        var unwrapper = default(RtpSequenceUnwrapper);
        long a = unwrapper.Unwrap(65534);
        long b = unwrapper.Unwrap(1);
        long c = unwrapper.Unwrap(65535);
        Assert.Equal(3, b - a);
        Assert.Equal(1, c - a);
        Assert.Equal(b, unwrapper.Highest);
    }
}
