using Casto.WebRtc.Codecs;

namespace Casto.WebRtc.Tests.Codecs;

public class H264Tests
{
    // A synthetic access unit: AUD, SPS, PPS (4-byte start codes), IDR slice (3-byte start code).
    private static byte[] AccessUnit(int idrLength, int seed = 1)
    {
        var idr = new byte[idrLength];
        new Random(seed).NextBytes(idr);
        idr[0] = 0x65; // NRI=3, type 5
        idr[^1] = 0x80; // rbsp stop bit, never a zero
        for (int i = 1; i < idr.Length - 2; i++)
        {
            if (idr[i] == 0 && idr[i + 1] == 0)
            {
                idr[i + 1] = 3; // emulation prevention: no start code inside
            }
        }

        return [0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x67, 0x42, 0xC0, 0x1F, 0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80, 0, 0, 1, .. idr];
    }

    [Fact]
    public void Annex_b_reader_splits_on_3_and_4_byte_start_codes()
    {
        var reader = new AnnexBReader(AccessUnit(10));
        var types = new List<int>();
        while (reader.TryReadNext(out ReadOnlySpan<byte> nal))
        {
            types.Add(nal[0] & 0x1F);
        }

        Assert.Equal(new[] { 9, 7, 8, 5 }, types);
        Assert.False(new AnnexBReader([1, 2, 3]).TryReadNext(out _));
    }

    [Fact]
    public void Detects_keyframes_in_single_stap_a_and_fu_a()
    {
        Assert.True(H264Depacketizer.IsKeyframe([0x65, 0x88]));   // single IDR
        Assert.True(H264Depacketizer.IsKeyframe([0x67, 0x42]));   // single SPS
        Assert.False(H264Depacketizer.IsKeyframe([0x68, 0xCE])); // PPS alone is not a key frame
        Assert.False(H264Depacketizer.IsKeyframe([0x41, 0x9A])); // non-IDR slice
        // STAP-A (RFC 6184 §5.7.1): SPS(2 bytes) + PPS(2 bytes)
        byte[] stap = [0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE];
        Assert.True(H264Depacketizer.TryGetNalTypes(stap, out uint types));
        Assert.Equal((1u << 7) | (1u << 8), types);
        Assert.True(H264Depacketizer.IsKeyframe(stap));
        Assert.False(H264Depacketizer.TryGetNalTypes([0x78, 0x00, 0x05, 0x67], out _)); // size past end
        // FU-A: start of an IDR, then a middle fragment
        Assert.True(H264Depacketizer.IsKeyframe([0x7C, 0x85, 0xB8]));
        Assert.False(H264Depacketizer.IsKeyframe([0x7C, 0x05, 0xB8]));
        Assert.False(H264Depacketizer.TryGetNalTypes([], out _));
    }

    [Fact]
    public void Packetizer_round_trips_through_depacketizer()
    {
        Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            byte[] au = AccessUnit(rng.Next(2, 10_000), seed);
            int max = rng.Next(3, 1300);
            var packetizer = new H264Packetizer(au, max);
            var buffer = new byte[max];
            var annexB = new byte[au.Length * 2];
            int length = 0;
            bool keyframe = false;
            int packets = 0;
            bool sawLast = false;
            while (packetizer.TryWriteNext(buffer, out int n, out bool last))
            {
                Assert.False(sawLast);
                Assert.True(n <= max);
                keyframe |= H264Depacketizer.IsKeyframe(buffer.AsSpan(0, n));
                Assert.True(H264Depacketizer.TryWriteAnnexB(buffer.AsSpan(0, n), annexB.AsSpan(length), out int w));
                length += w;
                sawLast = last;
                packets++;
            }

            Assert.True(sawLast);
            Assert.True(keyframe);
            // Expected: SPS, PPS, IDR each with a 4-byte start code (the AUD is dropped).
            var expected = new List<byte>();
            var reader = new AnnexBReader(au);
            while (reader.TryReadNext(out ReadOnlySpan<byte> nal))
            {
                if ((nal[0] & 0x1F) != 9)
                {
                    expected.AddRange([0, 0, 0, 1, .. nal]);
                }
            }

            Assert.Equal(expected.ToArray(), annexB.AsSpan(0, length).ToArray());
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var output = new byte[4096];
        Prop.ForAll<byte[]>(bytes =>
        {
            H264Depacketizer.IsKeyframe(bytes);
            H264Depacketizer.TryWriteAnnexB(bytes, output, out _);
            var reader = new AnnexBReader(bytes);
            while (reader.TryReadNext(out _))
            {
            }

            if (bytes.Length > 0)
            {
                Fuzz.OnlyThrows<CodecException>(() =>
                {
                    var p = new H264Packetizer(bytes, 50);
                    while (p.TryWriteNext(output, out _, out _))
                    {
                    }
                });
            }
        }).QuickCheckThrowOnFailure();
    }
}
