using System.Buffers;
using Casto.Stack.Muxers.Yamux;

namespace Casto.Stack.Tests.Muxers.Yamux;

public class YamuxHeaderTests
{
    [Fact]
    public void Header_is_big_endian_version_type_flags_id_length()
    {
        var header = new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Syn | YamuxFlags.Ack, 0x01020304, 0x0a0b0c0d);
        var bytes = new byte[YamuxHeader.Size];
        header.Write(bytes);
        Assert.Equal(Convert.FromHexString("00010003010203040A0B0C0D"), bytes);
        Assert.True(YamuxHeader.TryRead(bytes, out var read));
        Assert.Equal(header, read);
    }

    [Fact]
    public void Headers_round_trip() =>
        Prop.ForAll<ushort, uint, uint>((flags, id, length) =>
        {
            for (var type = YamuxFrameType.Data; type <= YamuxFrameType.GoAway; type++)
            {
                var header = new YamuxHeader(type, (YamuxFlags)flags, id, length);
                var bytes = new byte[YamuxHeader.Size + 3];
                header.Write(bytes);
                Assert.True(YamuxHeader.TryRead(bytes, out var read));
                Assert.Equal(header, read);
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Headers_split_across_segments_are_read()
    {
        var header = new YamuxHeader(YamuxFrameType.Data, YamuxFlags.Fin, 7, 1234);
        var bytes = new byte[YamuxHeader.Size];
        header.Write(bytes);
        for (var split = 0; split <= YamuxHeader.Size; split++)
        {
            var sequence = Segments(bytes[..split], bytes[split..]);
            Assert.True(YamuxHeader.TryRead(sequence, out var read));
            Assert.Equal(header, read);
            Assert.False(YamuxHeader.TryRead(sequence.Slice(0, YamuxHeader.Size - 1), out _));
        }
    }

    [Fact]
    public void Short_input_is_not_a_header_yet()
    {
        for (var length = 0; length < YamuxHeader.Size; length++)
        {
            Assert.False(YamuxHeader.TryRead(new byte[length], out _));
        }
    }

    [Fact]
    public void Versions_other_than_zero_are_rejected()
    {
        var bytes = new byte[YamuxHeader.Size];
        bytes[0] = 1;
        var error = Assert.Throws<YamuxException>(() => YamuxHeader.TryRead(bytes, out _));
        Assert.Equal(YamuxError.InvalidVersion, error.Error);
    }

    [Fact]
    public void Unknown_frame_types_are_rejected()
    {
        for (var type = 4; type < 256; type++)
        {
            var bytes = new byte[YamuxHeader.Size];
            bytes[1] = (byte)type;
            var error = Assert.Throws<YamuxException>(() => YamuxHeader.TryRead(bytes, out _));
            Assert.Equal(YamuxError.ProtocolError, error.Error);
        }
    }

    [Fact]
    public void Random_bytes_only_raise_yamux_errors() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            Fuzz.OnlyThrows<YamuxException>(() => YamuxHeader.TryRead(bytes, out _));
            Fuzz.OnlyThrows<YamuxException>(() => YamuxHeader.TryRead(new ReadOnlySequence<byte>(bytes), out _));
        }).QuickCheckThrowOnFailure();

    private static ReadOnlySequence<byte> Segments(byte[] first, byte[] second)
    {
        var start = new Segment(first, 0);
        var end = start.Append(second);
        return new ReadOnlySequence<byte>(start, 0, end, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
