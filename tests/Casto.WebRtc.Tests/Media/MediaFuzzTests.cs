using Casto.WebRtc.Media;

namespace Casto.WebRtc.Tests.Media;

public class MediaFuzzTests
{
    private static readonly byte[] Ivf = File.ReadAllBytes(MediaAssets.Ivf);
    private static readonly byte[] H264 = File.ReadAllBytes(MediaAssets.H264);

    [Fact]
    public async Task Every_truncation_of_the_ivf_clip_is_a_truncated_error()
    {
        var frameEnds = new HashSet<int>();
        for (int offset = 32; offset < Ivf.Length;)
        {
            offset += 12 + BitConverter.ToInt32(Ivf, offset);
            frameEnds.Add(offset);
        }

        for (int length = 0; length < Ivf.Length; length += length < 200 ? 1 : 97)
        {
            if (length == 32 || frameEnds.Contains(length))
            {
                continue; // a whole number of frames is a valid (shorter) file
            }

            MediaException ex = await Assert.ThrowsAsync<MediaException>(() => LoadIvf(Ivf.AsMemory(0, length).ToArray()));
            Assert.Equal(MediaError.Truncated, ex.Error);
        }
    }

    [Fact]
    public void Garbage_ivf_only_throws_media_exception() =>
        Prop.ForAll<byte[]>(bytes => Fuzz.OnlyThrows<MediaException>(() => LoadIvf(bytes).GetAwaiter().GetResult()))
            .QuickCheckThrowOnFailure();

    [Fact]
    public void Mutated_ivf_only_throws_media_exception() =>
        Prop.ForAll<int, byte, int>((position, value, cut) =>
        {
            byte[] bytes = Mutate(Ivf, position, value, cut);
            Fuzz.OnlyThrows<MediaException>(() => LoadIvf(bytes).GetAwaiter().GetResult());
            Fuzz.OnlyThrows<MediaException>(() => ReadSpans(bytes));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Garbage_and_mutated_h264_only_throws_media_exception()
    {
        Prop.ForAll<byte[]>(bytes => Fuzz.OnlyThrows<MediaException>(() => LoadH264(bytes).GetAwaiter().GetResult()))
            .QuickCheckThrowOnFailure();
        Prop.ForAll<int, byte, int>((position, value, cut) =>
            Fuzz.OnlyThrows<MediaException>(() => LoadH264(Mutate(H264, position, value, cut)).GetAwaiter().GetResult()))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task Ivf_signature_and_codec_errors_are_typed()
    {
        byte[] bad = (byte[])Ivf.Clone();
        bad[0] = (byte)'X';
        Assert.Equal(MediaError.InvalidData, (await Assert.ThrowsAsync<MediaException>(() => LoadIvf(bad))).Error);
        bad = (byte[])Ivf.Clone();
        "VP90"u8.CopyTo(bad.AsSpan(8));
        Assert.Equal(MediaError.UnsupportedCodec, (await Assert.ThrowsAsync<MediaException>(() => LoadIvf(bad))).Error);
        Assert.Equal(MediaError.InvalidData, (await Assert.ThrowsAsync<MediaException>(() => LoadH264([1, 2, 3, 4]))).Error);
    }

    private static byte[] Mutate(byte[] source, int position, byte value, int cut)
    {
        byte[] bytes = source.AsSpan(0, source.Length - (int)((uint)cut % 64)).ToArray();
        bytes[(int)((uint)position % (uint)Math.Min(bytes.Length, 600))] = value; // headers and the first frames
        return bytes;
    }

    private static void ReadSpans(byte[] bytes)
    {
        if (!IvfFileHeader.TryRead(bytes, out IvfFileHeader header) || header.HeaderSize > bytes.Length)
        {
            return;
        }

        ReadOnlySpan<byte> rest = bytes.AsSpan(header.HeaderSize);
        while (IvfFrameHeader.TryReadFrame(rest, 1 << 20, out _, out _, out int consumed))
        {
            rest = rest[consumed..];
        }
    }

    private static async Task LoadIvf(byte[] bytes) =>
        await MediaClip.LoadIvfAsync(new MemoryStream(bytes ?? []), new MediaReadOptions { MaxFrameSize = 1 << 20 });

    private static async Task LoadH264(byte[] bytes) =>
        await MediaClip.LoadH264Async(new MemoryStream(bytes ?? []), MediaTimebase.FromFrameRate(30), new MediaReadOptions { MaxFrameSize = 1 << 20 });
}
