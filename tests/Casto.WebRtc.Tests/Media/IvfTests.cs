using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;

namespace Casto.WebRtc.Tests.Media;

public class IvfTests
{
    [Fact]
    public async Task Reads_committed_clip()
    {
        await using IvfReader reader = await IvfReader.OpenAsync(File.OpenRead(MediaAssets.Ivf));
        Assert.Equal(IvfFileHeader.Vp8FourCc, reader.Header.FourCc);
        Assert.Equal(320, reader.Header.Width);
        Assert.Equal(240, reader.Header.Height);
        Assert.Equal(new MediaTimebase(1, 30), reader.Header.Timebase);
        Assert.Equal(60u, reader.Header.FrameCount);

        int count = 0;
        while (await reader.ReadFrameAsync() is { } frame)
        {
            using (frame)
            {
                Assert.Equal(count, frame.Timestamp);
                Assert.Equal(count % 30 == 0, frame.IsKeyframe);
                Assert.Equal(count % 30 == 0, (frame.Data.Span[0] & 0x01) == 0); // VP8 frame tag P bit
                count++;
            }
        }

        Assert.Equal(60, count);
    }

    [Fact]
    public async Task Embedded_default_is_the_committed_clip()
    {
        using var embedded = new MemoryStream();
        await using (Stream s = MediaSources.OpenDefaultVp8())
        {
            await s.CopyToAsync(embedded);
        }

        Assert.Equal(await File.ReadAllBytesAsync(MediaAssets.Ivf), embedded.ToArray());
        MediaClip clip = await MediaSources.LoadDefaultVp8Async();
        Assert.Equal(60, clip.Count);
        Assert.Equal(60, clip.Duration);
        Assert.Equal("VP8", clip.Codec);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Write_then_read_round_trips(bool seekable)
    {
        MediaClip clip = await MediaSources.LoadDefaultVp8Async();
        using var output = new MemoryStream();
        Stream target = seekable ? output : new NonSeekable(output);
        IvfWriter writer = await IvfWriter.CreateAsync(target, IvfFileHeader.ForVp8(320, 240, 30), leaveOpen: true);
        await using (writer)
        {
            for (int i = 0; i < clip.Count; i++)
            {
                await writer.WriteFrameAsync(clip[i].Data, clip[i].Timestamp * 2);
            }
        }

        byte[] bytes = output.ToArray();
        await using IvfReader reader = await IvfReader.OpenAsync(new MemoryStream(bytes));
        Assert.Equal(seekable ? 60u : 0u, reader.Header.FrameCount);
        Assert.Equal(320, reader.Header.Width);
        for (int i = 0; i < clip.Count; i++)
        {
            using MediaFrame? frame = await reader.ReadFrameAsync();
            Assert.NotNull(frame);
            Assert.Equal(clip[i].Timestamp * 2, frame.Timestamp);
            Assert.True(clip[i].Data.Span.SequenceEqual(frame.Data.Span));
        }

        Assert.Null(await reader.ReadFrameAsync());
    }

    [Fact]
    public async Task Small_reads_give_the_same_frames()
    {
        byte[] file = await File.ReadAllBytesAsync(MediaAssets.Ivf);
        MediaClip whole = await MediaClip.LoadIvfAsync(new MemoryStream(file));
        MediaClip trickled = await MediaClip.LoadIvfAsync(MediaAssets.Trickle(file, 7));
        Assert.Equal(whole.Count, trickled.Count);
        for (int i = 0; i < whole.Count; i++)
        {
            Assert.True(whole[i].Data.Span.SequenceEqual(trickled[i].Data.Span));
        }
    }

    [Fact]
    public void Span_codec_reads_frames_in_place()
    {
        byte[] file = File.ReadAllBytes(MediaAssets.Ivf);
        Assert.True(IvfFileHeader.TryRead(file, out IvfFileHeader header));
        Assert.False(IvfFileHeader.TryRead(file.AsSpan(0, 31), out _));
        ReadOnlySpan<byte> rest = file.AsSpan(header.HeaderSize);
        int frames = 0;
        while (IvfFrameHeader.TryReadFrame(rest, 4 << 20, out ReadOnlySpan<byte> frame, out long ts, out int consumed))
        {
            Assert.Equal(frames, ts);
            Assert.Equal(frames % 30 == 0, Vp8Frame.IsKeyframe(frame));
            rest = rest[consumed..];
            frames++;
        }

        Assert.True(rest.IsEmpty);
        Assert.Equal(60, frames);
    }

    [Fact]
    public async Task Packetized_frames_flag_keyframes_on_the_first_packet()
    {
        MediaClip clip = await MediaSources.LoadDefaultVp8Async();
        var buffer = new byte[1200];
        for (int i = 0; i < clip.Count; i++)
        {
            var packetizer = new Vp8Packetizer(clip[i].Data.Span, 1200, pictureId: i);
            int packets = 0;
            bool last = false;
            while (packetizer.TryWriteNext(buffer, out int n, out bool isLast))
            {
                last = isLast;
                Assert.Equal(packets == 0 && clip[i].IsKeyframe, Vp8PayloadDescriptor.IsKeyframe(buffer.AsSpan(0, n)));
                packets++;
            }

            Assert.True(last);
            Assert.Equal(packetizer.PacketCount, packets);
        }

        Assert.True(clip[0].Data.Length > 1200); // the first key frame spans several packets
    }

    [Fact]
    public async Task Oversize_frame_is_rejected_before_buffering()
    {
        byte[] file = await File.ReadAllBytesAsync(MediaAssets.Ivf);
        await using IvfReader reader = await IvfReader.OpenAsync(new MemoryStream(file), new MediaReadOptions { MaxFrameSize = 100 });
        MediaException ex = await Assert.ThrowsAsync<MediaException>(async () => await reader.ReadFrameAsync());
        Assert.Equal(MediaError.TooLarge, ex.Error);
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
