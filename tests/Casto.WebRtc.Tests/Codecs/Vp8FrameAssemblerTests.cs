using Casto.WebRtc.Codecs;

namespace Casto.WebRtc.Tests.Codecs;

public sealed class Vp8FrameAssemblerTests
{
    /// <summary>Packetizes <paramref name="frame"/> into payloads of at most <paramref name="max"/> bytes.</summary>
    private static List<(byte[] Payload, bool Last)> Payloads(byte[] frame, int max)
    {
        var list = new List<(byte[], bool)>();
        var p = new Vp8Packetizer(frame, max, 7);
        var buffer = new byte[max];
        while (p.TryWriteNext(buffer, out int n, out bool last))
        {
            list.Add((buffer[..n], last));
        }

        return list;
    }

    private static byte[] Frame(int length, byte seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed))];

    [Fact]
    public void Reassembles_frames_in_order()
    {
        using var assembler = new Vp8FrameAssembler();
        ushort seq = 65530; // crosses the sequence-number wrap
        foreach (var expected in new[] { Frame(3000, 1), Frame(10, 2), Frame(2500, 3) })
        {
            byte[]? got = null;
            foreach (var (payload, last) in Payloads(expected, 1000))
            {
                if (assembler.TryAdd(seq++, last, payload, out var frame))
                {
                    got = frame.ToArray();
                }
            }

            Assert.Equal(expected, got);
        }

        Assert.Equal(0, assembler.DroppedFrames);
    }

    [Fact]
    public void A_gap_drops_the_frame_and_the_next_one_is_whole()
    {
        using var assembler = new Vp8FrameAssembler();
        var first = Payloads(Frame(3000, 1), 1000);
        ushort seq = 10;
        for (int i = 0; i < first.Count; i++)
        {
            if (i == 1)
            {
                seq++; // lost
                continue;
            }

            Assert.False(assembler.TryAdd(seq++, first[i].Last, first[i].Payload, out _));
        }

        var second = Frame(1500, 9);
        byte[]? got = null;
        foreach (var (payload, last) in Payloads(second, 1000))
        {
            if (assembler.TryAdd(seq++, last, payload, out var frame))
            {
                got = frame.ToArray();
            }
        }

        Assert.Equal(second, got);
        Assert.Equal(1, assembler.DroppedFrames);
    }

    [Fact]
    public void Oversized_frames_and_garbage_are_dropped()
    {
        using var assembler = new Vp8FrameAssembler(maxFrameSize: 2000);
        ushort seq = 0;
        foreach (var (payload, last) in Payloads(Frame(5000, 4), 1000))
        {
            Assert.False(assembler.TryAdd(seq++, last, payload, out _));
        }

        Assert.Equal(1, assembler.DroppedFrames);
        Prop.ForAll<byte[], bool>((payload, marker) =>
        {
            assembler.TryAdd(seq++, marker, payload ?? [], out var frame);
            return frame.Length <= 2000;
        }).QuickCheckThrowOnFailure();
    }
}
