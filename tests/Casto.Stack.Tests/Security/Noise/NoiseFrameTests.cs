using System.Buffers;
using Casto.Stack.Security.Noise;

namespace Casto.Stack.Tests.Security.Noise;

/// <summary>The 2-byte big-endian length framing: examples and properties over arbitrary segmentation.</summary>
public class NoiseFrameTests
{
    [Fact]
    public void Reads_a_frame_and_leaves_the_rest()
    {
        var buffer = new ReadOnlySequence<byte>([0x00, 0x03, 1, 2, 3, 0x00]);
        Assert.True(NoiseFrame.TryRead(buffer, out var message, out var consumed));
        Assert.Equal(new byte[] { 1, 2, 3 }, message.ToArray());
        Assert.Equal(1, buffer.Slice(consumed).Length);
    }

    [Fact]
    public void The_largest_frame_is_65535_bytes()
    {
        var data = new byte[2 + 65535];
        data[0] = 0xff;
        data[1] = 0xff;
        Assert.True(NoiseFrame.TryRead(new ReadOnlySequence<byte>(data), out var message, out _));
        Assert.Equal(65535, message.Length);
        Assert.False(NoiseFrame.TryRead(new ReadOnlySequence<byte>(data.AsMemory(0, data.Length - 1)), out _, out _));
        Assert.Equal(NoiseError.FrameTooLarge, Assert.Throws<NoiseException>(() => NoiseFrame.WriteHeader(new byte[2], 65536)).Error);
    }

    [Fact]
    public void Any_frame_round_trips_however_it_is_split() =>
        Prop.ForAll(Gen.Choose(0, 70_000).ToArbitrary(), ArbMap.Default.ArbFor<int[]>(), (int length, int[] cuts) =>
        {
            length = Math.Min(length, NoiseFrame.MaxMessageSize);
            var message = new byte[length];
            new Random(length).NextBytes(message);
            var trailer = new byte[] { 0xaa, 0xbb };
            var encoded = new byte[NoiseFrame.HeaderSize + length + trailer.Length];
            NoiseFrame.WriteHeader(encoded, length);
            message.CopyTo(encoded, NoiseFrame.HeaderSize);
            trailer.CopyTo(encoded, NoiseFrame.HeaderSize + length);

            var buffer = Sequences.Split(encoded, (cuts ?? []).Select(c => Math.Abs(c % (encoded.Length + 1))));
            Assert.True(NoiseFrame.TryRead(buffer, out var read, out var consumed));
            Assert.True(read.ToArray().AsSpan().SequenceEqual(message));
            Assert.Equal(trailer, buffer.Slice(consumed).ToArray());
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_strict_prefix_is_never_a_frame() =>
        Prop.ForAll(Gen.Choose(0, NoiseFrame.MaxMessageSize).ToArbitrary(), Gen.Choose(0, 1_000_000).ToArbitrary(), (int length, int cut) =>
        {
            var encoded = new byte[NoiseFrame.HeaderSize + length];
            NoiseFrame.WriteHeader(encoded, length);
            var prefix = cut % encoded.Length; // 0 .. total - 1
            var buffer = Sequences.Split(encoded.AsSpan(0, prefix).ToArray(), [prefix / 2]);
            Assert.False(NoiseFrame.TryRead(buffer, out _, out var consumed));
            Assert.Equal(buffer.Start, consumed);
        }).QuickCheckThrowOnFailure();
}
