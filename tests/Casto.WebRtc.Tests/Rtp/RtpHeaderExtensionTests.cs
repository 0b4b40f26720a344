using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Tests.Rtp;

public class RtpHeaderExtensionTests
{
    [Fact]
    public void Reads_rfc8285_one_byte_example()
    {
        // RFC 8285 §4.2 figure: ID 1 L=0 (1 byte), ID 2 L=1 (2 bytes), padding, ID 3 L=3 (4 bytes).
        byte[] data = [0x10, 0xAA, 0x21, 0xBB, 0xBB, 0x00, 0x00, 0x33, 0xCC, 0xCC, 0xCC, 0xCC];
        var reader = new RtpExtensionReader(RtpHeaderExtensions.OneByteProfile, data);
        Assert.True(reader.TryReadNext(out int id, out ReadOnlySpan<byte> v));
        Assert.Equal(1, id);
        Assert.Equal(new byte[] { 0xAA }, v.ToArray());
        Assert.True(reader.TryReadNext(out id, out v));
        Assert.Equal(2, id);
        Assert.Equal(new byte[] { 0xBB, 0xBB }, v.ToArray());
        Assert.True(reader.TryReadNext(out id, out v));
        Assert.Equal(3, id);
        Assert.Equal(new byte[] { 0xCC, 0xCC, 0xCC, 0xCC }, v.ToArray());
        Assert.False(reader.TryReadNext(out id, out v));
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void Reads_rfc8285_two_byte_example()
    {
        // RFC 8285 §4.3 figure: ID 1 L=0, ID 2 L=1, padding, ID 3 L=4.
        byte[] data = [0x01, 0x00, 0x02, 0x01, 0xBB, 0x00, 0x03, 0x04, 0xCC, 0xCC, 0xCC, 0xCC];
        Assert.True(RtpHeaderExtensions.TryFind(0x1000, data, 1, out ReadOnlySpan<byte> v1));
        Assert.True(v1.IsEmpty);
        Assert.True(RtpHeaderExtensions.TryFind(0x1000, data, 2, out ReadOnlySpan<byte> v2));
        Assert.Equal(new byte[] { 0xBB }, v2.ToArray());
        Assert.True(RtpHeaderExtensions.TryFind(0x1003, data, 3, out ReadOnlySpan<byte> v3));
        Assert.Equal(4, v3.Length);
        Assert.False(RtpHeaderExtensions.TryFind(0x1000, data, 4, out _));
        Assert.False(RtpHeaderExtensions.TryFind(0x0001, data, 1, out _));
    }

    [Fact]
    public void One_byte_id_15_stops_and_overrun_is_malformed()
    {
        byte[] stop = [0xF0, 0x10, 0xAA, 0x00];
        Assert.False(RtpHeaderExtensions.TryFind(RtpHeaderExtensions.OneByteProfile, stop, 1, out _));
        byte[] overrun = [0x13, 0xAA, 0x00, 0x00];
        var reader = new RtpExtensionReader(RtpHeaderExtensions.OneByteProfile, overrun);
        Assert.False(reader.TryReadNext(out int _, out ReadOnlySpan<byte> _));
        Assert.True(reader.IsMalformed);
    }

    [Fact]
    public void Writer_round_trips_mid_and_abs_send_time_in_both_forms()
    {
        foreach (bool twoByte in new[] { false, true })
        {
            Span<byte> ext = new byte[32];
            var writer = new RtpExtensionWriter(ext, twoByte);
            Span<byte> mid = new byte[8];
            int midLength = SdesMid.Write("video0", mid);
            writer.Add(1, mid[..midLength]);
            Span<byte> ast = new byte[3];
            AbsSendTime.Write(0xABCDEF, ast);
            writer.Add(3, ast);
            Span<byte> data = writer.Finish();
            Assert.Equal(0, data.Length % 4);

            var header = new RtpHeader { PayloadType = 96, HasExtension = true, ExtensionProfile = writer.Profile, ExtensionData = data };
            var packet = new byte[RtpPacket.GetSize(header, 1)];
            RtpPacket.Write(header, [0x42], packet);
            Assert.True(RtpPacket.TryRead(packet, out RtpHeader back, out _));
            Assert.True(back.TryGetExtension(1, out ReadOnlySpan<byte> midValue));
            Assert.True(SdesMid.Matches(midValue, "video0"));
            Assert.True(SdesMid.TryRead(midValue, out string midText));
            Assert.Equal("video0", midText);
            Assert.True(back.TryGetExtension(3, out ReadOnlySpan<byte> astValue));
            Assert.True(AbsSendTime.TryRead(astValue, out uint time));
            Assert.Equal(0xABCDEFu, time);

            Span<byte> newTime = new byte[3];
            AbsSendTime.Write(0x000102, newTime);
            Assert.True(RtpRewriter.TrySetExtension(packet, 3, newTime));
            Assert.True(RtpPacket.TryRead(packet, out back, out _));
            back.TryGetExtension(3, out astValue);
            AbsSendTime.TryRead(astValue, out time);
            Assert.Equal(0x000102u, time);
        }
    }

    [Fact]
    public void Writer_rejects_ids_outside_the_form()
    {
        var buffer = new byte[16];
        Assert.Throws<RtpException>(() => new RtpExtensionWriter(buffer).Add(15, [1]));
        Assert.Throws<RtpException>(() => new RtpExtensionWriter(buffer).Add(1, new byte[17]));
        Assert.Throws<RtpException>(() => new RtpExtensionWriter(buffer, twoByte: true).Add(0, [1]));
        Assert.Throws<RtpException>(() => SdesMid.Write("é", buffer));
    }

    [Fact]
    public void Abs_send_time_is_6_18_fixed_point()
    {
        Assert.Equal(1u << 18, AbsSendTime.FromTimeSpan(TimeSpan.FromSeconds(1)));
        Assert.Equal(0u, AbsSendTime.FromTimeSpan(TimeSpan.FromSeconds(64)));
        Assert.Equal((1u << 18) + (1u << 17), AbsSendTime.FromTimeSpan(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), AbsSendTime.ToTimeSpan((1u << 18) + (1u << 17)));
        // NTP 1.5 s = 0x00000001_80000000 → middle 24 bits.
        Assert.Equal((1u << 18) + (1u << 17), AbsSendTime.FromNtp(0x0000_0001_8000_0000UL));
        Assert.Equal(2u, AbsSendTime.Delta(1, 0xFFFFFF));
    }
}
