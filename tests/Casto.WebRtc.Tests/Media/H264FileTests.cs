using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;

namespace Casto.WebRtc.Tests.Media;

public class H264FileTests
{
    [Fact]
    public async Task Reads_committed_clip_as_access_units()
    {
        byte[] file = await File.ReadAllBytesAsync(MediaAssets.H264);
        MediaClip clip = await MediaClip.LoadH264Async(new MemoryStream(file), MediaTimebase.FromFrameRate(30));
        Assert.Equal(60, clip.Count);
        Assert.Equal(60, clip.Duration);
        var buffer = new byte[1200];
        int total = 0;
        for (int i = 0; i < clip.Count; i++)
        {
            Assert.Equal(i, clip[i].Timestamp);
            Assert.Equal(i % 30 == 0, clip[i].IsKeyframe);

            // The existing RTP code agrees: some payload of the access unit is a key frame exactly for IDR units.
            var packetizer = new H264Packetizer(clip[i].Data.Span, 1200);
            bool keyframe = false;
            while (packetizer.TryWriteNext(buffer, out int n, out _))
            {
                keyframe |= H264Depacketizer.IsKeyframe(buffer.AsSpan(0, n));
            }

            Assert.Equal(i % 30 == 0, keyframe);
            Assert.Equal(1, CountSlices(clip[i].Data.Span)); // one picture per access unit
            total += clip[i].Data.Length;
        }

        Assert.Equal(file.Length, total); // access units cover the file
    }

    [Fact]
    public async Task Small_reads_give_the_same_access_units()
    {
        byte[] file = await File.ReadAllBytesAsync(MediaAssets.H264);
        MediaClip whole = await MediaClip.LoadH264Async(new MemoryStream(file), MediaTimebase.FromFrameRate(30));
        MediaClip trickled = await MediaClip.LoadH264Async(MediaAssets.Trickle(file, 5), MediaTimebase.FromFrameRate(30));
        Assert.Equal(whole.Count, trickled.Count);
        for (int i = 0; i < whole.Count; i++)
        {
            Assert.True(whole[i].Data.Span.SequenceEqual(trickled[i].Data.Span));
        }
    }

    [Fact]
    public void Splits_on_delimiters_and_first_slice()
    {
        // AUD, SPS, PPS, IDR(first_mb=0), IDR(first_mb=1: same picture) | AUD, P(first_mb=0) | P(first_mb=0) without AUD
        byte[] stream =
        [
            0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xCE, 0, 0, 1, 0x65, 0x88, 0x11, 0, 0, 1, 0x65, 0x40, 0x22,
            0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x41, 0x9A, 0x33,
            0, 0, 1, 0x41, 0x9A, 0x44,
        ];
        Assert.True(H264AccessUnitSplitter.TryRead(stream, false, out int start, out int length));
        Assert.Equal((0, 28), (start, length));
        Assert.True(H264AccessUnitSplitter.TryRead(stream.AsSpan(28), false, out start, out length));
        Assert.Equal((0, 12), (start, length));
        Assert.False(H264AccessUnitSplitter.TryRead(stream.AsSpan(40), false, out _, out _)); // boundary not visible yet
        Assert.True(H264AccessUnitSplitter.TryRead(stream.AsSpan(40), true, out start, out length));
        Assert.Equal((0, 6), (start, length));
        Assert.False(H264AccessUnitSplitter.TryRead([1, 2, 3], true, out _, out _));
    }

    [Fact]
    public async Task Oversize_access_unit_is_rejected()
    {
        byte[] file = await File.ReadAllBytesAsync(MediaAssets.H264);
        MediaException ex = await Assert.ThrowsAsync<MediaException>(async () =>
            await MediaClip.LoadH264Async(new MemoryStream(file), MediaTimebase.FromFrameRate(30), new MediaReadOptions { MaxFrameSize = 1000 }));
        Assert.Equal(MediaError.TooLarge, ex.Error);
    }

    private static int CountSlices(ReadOnlySpan<byte> accessUnit)
    {
        var reader = new AnnexBReader(accessUnit);
        int slices = 0;
        while (reader.TryReadNext(out ReadOnlySpan<byte> nal))
        {
            slices += (nal[0] & 0x1F) is 1 or 5 ? 1 : 0;
        }

        return slices;
    }
}
