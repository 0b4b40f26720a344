using Casto.WebRtc.Codecs;

namespace Casto.WebRtc.Tests.Codecs;

public class Vp8Tests
{
    [Fact]
    public void Parses_descriptor_with_every_optional_field()
    {
        // X=1 N=1 S=1 PID=0 | I=1 L=1 T=1 K=1 | M=1 PictureID=0x1234 | TL0PICIDX=0x56 | TID=2 Y=1 KEYIDX=7 | payload
        byte[] payload = [0xB0, 0xF0, 0x92, 0x34, 0x56, 0xA7, 0x9C, 0x01];
        Assert.True(Vp8PayloadDescriptor.TryRead(payload, out Vp8PayloadDescriptor d, out ReadOnlySpan<byte> vp8));
        Assert.True(d.NonReference);
        Assert.True(d.StartOfPartition);
        Assert.Equal(0, d.PartitionId);
        Assert.Equal(0x1234, d.PictureId);
        Assert.True(d.LongPictureId);
        Assert.Equal(0x56, d.Tl0PicIdx);
        Assert.Equal(2, d.TemporalId);
        Assert.True(d.LayerSync);
        Assert.Equal(7, d.KeyIndex);
        Assert.Equal(new byte[] { 0x9C, 0x01 }, vp8.ToArray());
        Assert.True(Vp8PayloadDescriptor.IsKeyframe(payload)); // 0x9C: P bit (LSB) = 0

        var copy = new byte[d.GetSize()];
        d.Write(copy);
        Assert.Equal(payload[..6], copy);
    }

    [Fact]
    public void Parses_pion_style_vectors()
    {
        // pion/rtp codecs/vp8_packet_test.go shapes: 7-bit picture ID, descriptor-only (no payload) is rejected.
        byte[] shortId = [0x90, 0x80, 0x7F, 0x9D];
        Assert.True(Vp8PayloadDescriptor.TryRead(shortId, out Vp8PayloadDescriptor d, out _));
        Assert.Equal(0x7F, d.PictureId);
        Assert.False(d.LongPictureId);
        Assert.False(Vp8PayloadDescriptor.TryRead([0x90, 0x80, 0x7F], out _, out _));
        Assert.False(Vp8PayloadDescriptor.TryRead([0x90, 0x80, 0x80, 0x01], out _, out _)); // 15-bit ID, no payload
        Assert.False(Vp8PayloadDescriptor.TryRead([], out _, out _));
    }

    [Fact]
    public void Keyframe_needs_start_pid0_and_p_bit_clear()
    {
        Assert.True(Vp8PayloadDescriptor.IsKeyframe([0x10, 0x00]));
        Assert.False(Vp8PayloadDescriptor.IsKeyframe([0x10, 0x01])); // inter frame
        Assert.False(Vp8PayloadDescriptor.IsKeyframe([0x00, 0x00])); // not a partition start
        Assert.False(Vp8PayloadDescriptor.IsKeyframe([0x11, 0x00])); // PID 1
    }

    [Fact]
    public void Packetizer_splits_and_reassembles()
    {
        Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var frame = new byte[rng.Next(1, 20_000)];
            rng.NextBytes(frame);
            frame[0] &= 0xFE; // key frame
            int max = rng.Next(5, 1400);
            int pictureId = rng.Next(0, 0x8000);
            var packetizer = new Vp8Packetizer(frame, max, pictureId);
            var buffer = new byte[max];
            var reassembled = new List<byte>();
            int packets = 0;
            bool sawLast = false;
            while (packetizer.TryWriteNext(buffer, out int n, out bool last))
            {
                Assert.False(sawLast);
                Assert.True(n <= max);
                Assert.True(Vp8PayloadDescriptor.TryRead(buffer.AsSpan(0, n), out Vp8PayloadDescriptor d, out ReadOnlySpan<byte> part));
                Assert.Equal(pictureId, d.PictureId);
                Assert.Equal(packets == 0, d.StartOfPartition);
                Assert.Equal(packets == 0, Vp8PayloadDescriptor.IsKeyframe(buffer.AsSpan(0, n)));
                reassembled.AddRange(part.ToArray());
                packets++;
                sawLast = last;
            }

            Assert.True(sawLast);
            Assert.Equal(packetizer.PacketCount, packets);
            Assert.Equal(frame, reassembled);
        }).QuickCheckThrowOnFailure();
        Assert.Throws<CodecException>(() => new Vp8Packetizer(new byte[10], 4, 1));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            Vp8PayloadDescriptor.IsKeyframe(bytes);
            if (Vp8PayloadDescriptor.TryRead(bytes, out Vp8PayloadDescriptor d, out ReadOnlySpan<byte> rest))
            {
                Assert.True(d.GetSize() <= bytes.Length - rest.Length); // re-encoding may drop an empty X byte
            }
        }).QuickCheckThrowOnFailure();
    }
}
