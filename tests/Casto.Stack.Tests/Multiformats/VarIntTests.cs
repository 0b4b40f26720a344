using System.Buffers;
using Casto.Stack.Multiformats;

namespace Casto.Stack.Tests.Multiformats;

public class VarIntTests
{
    // From the unsigned-varint README examples.
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "8001")]
    [InlineData(255UL, "ff01")]
    [InlineData(300UL, "ac02")]
    [InlineData(16384UL, "808001")]
    [InlineData(long.MaxValue, "ffffffffffffffff7f")]
    public void Encodes_and_decodes_readme_examples(ulong value, string hex)
    {
        var buffer = new byte[VarInt.MaxLength];
        var written = VarInt.Write(value, buffer);
        Assert.Equal(hex, Convert.ToHexStringLower(buffer.AsSpan(0, written)));
        Assert.Equal(written, VarInt.GetSize(value));
        Assert.True(VarInt.TryRead(Convert.FromHexString(hex), out var read, out var consumed));
        Assert.Equal(value, read);
        Assert.Equal(written, consumed);
    }

    /// <summary>Vectors/varint (unsigned-varint README and go-varint tests).</summary>
    [Theory]
    [MemberData(nameof(FileVectors))]
    public void Matches_the_vector_file(string decimalValue, string hex)
    {
        var value = ulong.Parse(decimalValue, System.Globalization.CultureInfo.InvariantCulture);
        var buffer = new byte[VarInt.MaxLength];
        Assert.Equal(hex, Convert.ToHexStringLower(buffer.AsSpan(0, VarInt.Write(value, buffer))));
        Assert.Equal(value, VarInt.Read(Convert.FromHexString(hex), out _));
    }

    public static TheoryData<string, string> FileVectors() => TestVectors.Pairs("varint/vectors.txt");

    public static TheoryData<string> InvalidFileVectors() => TestVectors.Column("varint/invalid.txt");

    [Theory]
    [MemberData(nameof(InvalidFileVectors))]
    public void Rejects_the_invalid_vector_file_entries(string hex) =>
        Assert.Throws<MultiformatsException>(() => VarInt.Read(Convert.FromHexString(hex), out _));

    [Theory]
    [InlineData("8000", MultiformatsError.VarIntNotMinimal)]
    [InlineData("ff00", MultiformatsError.VarIntNotMinimal)]
    [InlineData("808080808080808080", MultiformatsError.VarIntTooLong)]
    [InlineData("ffffffffffffffffff01", MultiformatsError.VarIntTooLong)]
    public void Rejects_invalid(string hex, MultiformatsError error)
    {
        var ex = Assert.Throws<MultiformatsException>(() => VarInt.TryRead(Convert.FromHexString(hex), out _, out _));
        Assert.Equal(error, ex.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("ffffffff")]
    public void Reports_incomplete_input(string hex)
    {
        Assert.False(VarInt.TryRead(Convert.FromHexString(hex), out _, out _));
        Assert.Throws<MultiformatsException>(() => VarInt.Read(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void Reads_across_sequence_segments()
    {
        var first = new Segment(new byte[] { 0xac });
        var last = first.Append(new byte[] { 0x02, 0x99 });
        var sequence = new ReadOnlySequence<byte>(first, 0, last, 2);
        Assert.True(VarInt.TryRead(sequence, out var value, out var consumed));
        Assert.Equal(300UL, value);
        Assert.Equal(2, consumed);
    }

    [Fact]
    public void Writes_to_buffer_writer_and_rejects_values_above_63_bits()
    {
        var writer = new ArrayBufferWriter<byte>();
        VarInt.Write(300, writer);
        Assert.Equal(new byte[] { 0xac, 0x02 }, writer.WrittenSpan.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => VarInt.GetSize(ulong.MaxValue));
    }

    [Fact]
    public void Every_value_round_trips() =>
        Prop.ForAll<ulong>(v =>
        {
            v >>= 1; // 63-bit values only
            var buffer = new byte[VarInt.MaxLength];
            var n = VarInt.Write(v, buffer);
            return VarInt.TryRead(buffer.AsSpan(0, n), out var read, out var consumed) && read == v && consumed == n;
        }).QuickCheckThrowOnFailure();

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
