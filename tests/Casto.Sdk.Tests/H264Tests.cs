using System.Net;
using Casto.Sdk;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Rtp;

namespace Casto.Sdk.Tests;

public sealed class H264Tests
{
    private static string Asset => Path.Combine(PackageTests.RepositoryRoot(), "tests", "assets", "test-320x240-30fps.h264");

    [Fact]
    public async Task AnH264FileIsPublishedAndWatchedAsAnnexBAccessUnits()
    {
        using var cts = Loopback.Timeout();
        await using var publisher = await new CastoClient(Loopback.Options("h264")).PublishAsync(CastoSource.File(Asset), cts.Token);
        await using var media = await new CastoClient(Loopback.Options("h264", publisher.Addresses)).StartAsync(cts.Token);
        Assert.Equal(CastoCodec.H264, media.Codec);
        Assert.Contains("a=rtpmap:", media.CreateSdp(new IPEndPoint(IPAddress.Loopback, 5004)), StringComparison.Ordinal);
        Assert.Contains(" H264/90000", media.CreateSdp(new IPEndPoint(IPAddress.Loopback, 5004)), StringComparison.Ordinal);

        int frames = 0;
        await foreach (CastoFrame frame in media.ReadFramesAsync(cts.Token))
        {
            using (frame)
            {
                ReadOnlySpan<byte> au = frame.Payload.Span;
                Assert.Equal(CastoCodec.H264, frame.Codec);
                Assert.True(au.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 1]), "Annex-B start code first");
                if (frames == 0)
                {
                    Assert.True(frame.IsKeyframe);
                    Assert.True(NalTypes(au).Contains(7), "a key access unit carries the SPS: " + string.Join(",", NalTypes(au)));
                }
            }

            if (++frames == 15)
            {
                break;
            }
        }

        string path = Path.Combine(Path.GetTempPath(), $"casto-{Guid.NewGuid():n}.h264");
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            stop.CancelAfter(TimeSpan.FromSeconds(1.5));
            long written = await media.RecordAsync(path, stop.Token);
            byte[] file = await File.ReadAllBytesAsync(path, cts.Token);
            Assert.True(written >= 10, $"access units written: {written}");
            Assert.Equal(7, NalTypes(file)[0] is 9 ? NalTypes(file)[1] : NalTypes(file)[0]); // starts at the SPS (after an access unit delimiter, if any)
            Assert.Contains(5, NalTypes(file)); // an IDR slice
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheAssemblerJoinsFuAFragmentsAndDropsAFrameWithAGap()
    {
        using var assembler = new RtpFrameAssembler(RtcCodec.H264);
        byte[] idr = [.. Enumerable.Range(0, 3000).Select(i => (byte)(i % 251 + 1))];
        // STAP-A with SPS and PPS, then the IDR in three FU-A fragments; marker on the last.
        byte[] stap = [24, 0, 3, 0x67, 1, 2, 0, 2, 0x68, 3];
        Assert.False(Add(assembler, 1, false, stap, out _, out _));
        Assert.False(Add(assembler, 2, false, Fu(0x65, idr.AsSpan(0, 1000), start: true, end: false), out _, out _));
        Assert.False(Add(assembler, 3, false, Fu(0x65, idr.AsSpan(1000, 1000), start: false, end: false), out _, out _));
        Assert.True(Add(assembler, 4, true, Fu(0x65, idr.AsSpan(2000, 1000), start: false, end: true), out byte[] frame, out bool key));
        Assert.True(key);
        byte[] expected = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, .. idr];
        Assert.Equal(expected, frame);

        // The next frame loses its middle fragment: dropped whole, and the one after comes through.
        Assert.False(Add(assembler, 5, false, Fu(0x41, idr.AsSpan(0, 100), start: true, end: false), out _, out _));
        Assert.False(Add(assembler, 7, true, Fu(0x41, idr.AsSpan(200, 100), start: false, end: true), out _, out _));
        Assert.Equal(1, assembler.DroppedFrames);
        Assert.True(Add(assembler, 8, true, [0x41, 9, 9], out frame, out key));
        Assert.False(key);
        Assert.Equal([0, 0, 0, 1, 0x41, 9, 9], frame);
    }

    private static bool Add(RtpFrameAssembler assembler, ushort seq, bool marker, byte[] payload, out byte[] frame, out bool key)
    {
        var header = new RtpHeader { SequenceNumber = seq, Marker = marker, Timestamp = seq * 3000u, PayloadType = 102 };
        bool done = assembler.TryAdd(header, payload, out ReadOnlyMemory<byte> f, out key);
        frame = f.ToArray();
        return done;
    }

    private static byte[] Fu(byte nalHeader, ReadOnlySpan<byte> part, bool start, bool end) =>
        [(byte)((nalHeader & 0xE0) | 28), (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | (nalHeader & 0x1F)), .. part];

    /// <summary>The NAL unit types after each 4-byte start code.</summary>
    private static List<int> NalTypes(ReadOnlySpan<byte> annexB)
    {
        var types = new List<int>();
        for (int i = 0; i + 4 < annexB.Length; i++)
        {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 0 && annexB[i + 3] == 1)
            {
                types.Add(annexB[i + 4] & 0x1F);
                i += 3;
            }
        }

        return types;
    }
}
