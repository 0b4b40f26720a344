using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Tests.Rtp;

public class RtpPacketTests
{
    // Vector from pion/rtp packet_test.go TestBasic: V=2, X=1, M=1, PT=96, seq 27023, ts 3653407706,
    // SSRC 476325762, extension profile 0x0001 with one word 0xFFFFFFFF, 5 payload bytes.
    private static readonly byte[] PionBasic =
    [
        0x90, 0xE0, 0x69, 0x8F, 0xD9, 0xC2, 0x93, 0xDA, 0x1C, 0x64, 0x27, 0x82,
        0x00, 0x01, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF,
        0x98, 0x36, 0xBE, 0x88, 0x9E,
    ];

    [Fact]
    public void Reads_pion_basic_vector()
    {
        Assert.True(RtpPacket.TryRead(PionBasic, out RtpHeader h, out ReadOnlySpan<byte> payload));
        Assert.True(h.Marker);
        Assert.Equal(96, h.PayloadType);
        Assert.Equal(27023, h.SequenceNumber);
        Assert.Equal(3653407706u, h.Timestamp);
        Assert.Equal(476325762u, h.Ssrc);
        Assert.Equal(0, h.CsrcCount);
        Assert.True(h.HasExtension);
        Assert.Equal(1, h.ExtensionProfile);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, h.ExtensionData.ToArray());
        Assert.Equal(0, h.PaddingLength);
        Assert.Equal(20, h.GetSize());
        Assert.Equal(new byte[] { 0x98, 0x36, 0xBE, 0x88, 0x9E }, payload.ToArray());

        var copy = new byte[RtpPacket.GetSize(h, payload.Length)];
        Assert.Equal(PionBasic.Length, RtpPacket.Write(h, payload, copy));
        Assert.Equal(PionBasic, copy);
    }

    [Fact]
    public void Rejects_pion_truncated_extension_vectors()
    {
        // pion/rtp TestExtension: X set but no extension word; extension length 0x9999 words past the end.
        byte[] missing = [0x90, 0x60, 0x69, 0x8F, 0xD9, 0xC2, 0x93, 0xDA, 0x1C, 0x64, 0x27, 0x82];
        byte[] badLength = [0x90, 0x60, 0x69, 0x8F, 0xD9, 0xC2, 0x93, 0xDA, 0x1C, 0x64, 0x27, 0x82, 0x99, 0x99, 0x99, 0x99];
        Assert.False(RtpPacket.TryRead(missing, out _, out _));
        Assert.False(RtpPacket.TryRead(badLength, out _, out _));
        Assert.False(RtpPacket.TryRead([], out _, out _));
    }

    [Fact]
    public void Rejects_wrong_version_csrc_overrun_and_bad_padding()
    {
        byte[] p = (byte[])PionBasic.Clone();
        p[0] = 0x10; // version 0
        Assert.False(RtpPacket.TryRead(p, out _, out _));
        byte[] cc = [0x8F, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]; // CC=15, one CSRC present
        Assert.False(RtpPacket.TryRead(cc, out _, out _));
        byte[] zeroPad = [0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0];
        Assert.False(RtpPacket.TryRead(zeroPad, out _, out _));
        byte[] bigPad = [0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 9, 3];
        Assert.False(RtpPacket.TryRead(bigPad, out _, out _));
        byte[] okPad = [0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2];
        Assert.True(RtpPacket.TryRead(okPad, out RtpHeader h, out ReadOnlySpan<byte> payload));
        Assert.Equal(2, h.PaddingLength);
        Assert.Equal(new byte[] { 9 }, payload.ToArray());
    }

    [Fact]
    public void Round_trips_random_packets()
    {
        Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var csrcs = new byte[rng.Next(0, 16) * 4];
            rng.NextBytes(csrcs);
            bool hasExtension = rng.Next(2) == 0;
            var extension = hasExtension ? new byte[rng.Next(0, 20) * 4] : [];
            rng.NextBytes(extension);
            var payload = new byte[rng.Next(0, 1300)];
            rng.NextBytes(payload);
            var header = new RtpHeader
            {
                Marker = rng.Next(2) == 0,
                PayloadType = (byte)rng.Next(0, 128),
                SequenceNumber = (ushort)rng.Next(),
                Timestamp = (uint)rng.NextInt64(0, 1L << 32),
                Ssrc = (uint)rng.NextInt64(0, 1L << 32),
                Csrcs = csrcs,
                HasExtension = hasExtension,
                ExtensionProfile = (ushort)rng.Next(0, 65536),
                ExtensionData = extension,
                PaddingLength = (byte)(rng.Next(3) == 0 ? rng.Next(1, 256) : 0),
            };
            var buffer = new byte[RtpPacket.GetSize(header, payload.Length)];
            int written = RtpPacket.Write(header, payload, buffer);
            Assert.Equal(buffer.Length, written);
            Assert.True(RtpPacket.TryRead(buffer, out RtpHeader back, out ReadOnlySpan<byte> backPayload));
            Assert.Equal(header.Marker, back.Marker);
            Assert.Equal(header.PayloadType, back.PayloadType);
            Assert.Equal(header.SequenceNumber, back.SequenceNumber);
            Assert.Equal(header.Timestamp, back.Timestamp);
            Assert.Equal(header.Ssrc, back.Ssrc);
            Assert.True(back.Csrcs.SequenceEqual(csrcs));
            Assert.Equal(hasExtension, back.HasExtension);
            Assert.True(back.ExtensionData.SequenceEqual(extension));
            Assert.Equal(header.PaddingLength, back.PaddingLength);
            Assert.True(backPayload.SequenceEqual(payload));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Prop.ForAll<byte[]>(bytes => Fuzz.OnlyThrows<RtpException>(() =>
        {
            if (RtpPacket.TryRead(bytes, out RtpHeader h, out ReadOnlySpan<byte> payload))
            {
                Assert.True(h.GetSize() + payload.Length + h.PaddingLength == bytes.Length);
                var reader = new RtpExtensionReader(h.ExtensionProfile, h.ExtensionData);
                while (reader.TryReadNext(out _, out ReadOnlySpan<byte> _))
                {
                }
            }
        })).QuickCheckThrowOnFailure();

        var rng = new Random(7);
        var buffer = new byte[200];
        for (int i = 0; i < 20_000; i++)
        {
            rng.NextBytes(buffer);
            buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F)); // mostly version 2 so the deeper paths run
            var slice = buffer.AsSpan(0, rng.Next(0, buffer.Length));
            if (RtpPacket.TryRead(slice, out RtpHeader h, out _) && h.HasExtension)
            {
                h.TryGetExtension(rng.Next(0, 256), out _);
                RtpRewriter.TrySetExtension(slice, 1, [1, 2, 3]);
            }
        }
    }

    [Fact]
    public void Writer_rejects_out_of_range_fields()
    {
        var buffer = new byte[64];
        Assert.Equal(RtpError.InvalidField, Assert.Throws<RtpException>(() => new RtpHeader { PayloadType = 128 }.Write(buffer)).Error);
        Assert.Equal(RtpError.InvalidField, Assert.Throws<RtpException>(() => new RtpHeader { Csrcs = new byte[64] }.Write(buffer)).Error);
        Assert.Equal(RtpError.BufferTooSmall, Assert.Throws<RtpException>(() => new RtpHeader().Write(new byte[11])).Error);
    }
}
