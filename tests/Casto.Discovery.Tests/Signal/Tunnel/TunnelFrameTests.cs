using System.Buffers;
using Casto.Discovery.Signal.Tunnel;

namespace Casto.Discovery.Tests.Signal.Tunnel;

public sealed class TunnelFrameTests
{
    [Fact]
    public void Data_frame_has_the_documented_layout()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new TunnelFrame(TunnelFrameType.Data, fromOpener: true, id: 300, "hi"u8).Write(buffer);
        // magic, O bit + DATA, uvarint 300 (0xAC 0x02), payload
        Assert.Equal(new byte[] { 0xCA, 0x83, 0xAC, 0x02, (byte)'h', (byte)'i' }, buffer.WrittenSpan.ToArray());
        Assert.True(TunnelFrame.LooksLikeTunnel(Convert.ToBase64String(buffer.WrittenSpan)));
    }

    [Fact]
    public void Round_trips_every_type_and_id() =>
        Prop.ForAll(
            Gen.Elements(TunnelFrameType.Open, TunnelFrameType.Accept, TunnelFrameType.Data, TunnelFrameType.Fin, TunnelFrameType.Reset).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary(),
            (type, id, bytes) =>
            {
                byte[] payload = type switch
                {
                    TunnelFrameType.Data => bytes.Length == 0 ? [1] : bytes,
                    TunnelFrameType.Reset => bytes.Take(TunnelFrame.MaxReasonBytes).ToArray(),
                    _ => [],
                };
                bool opener = id % 2 == 0;
                byte[] wire = Convert.FromBase64String(new TunnelFrame(type, opener, (uint)id, payload).ToBase64());
                Assert.True(TunnelFrame.TryRead(wire, 64 * 1024, out var read));
                Assert.Equal((type, opener, (uint)id), (read.Type, read.FromOpener, read.Id));
                Assert.Equal(payload, read.Payload.ToArray());
            }).QuickCheckThrowOnFailure();

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xCA, 0x03 })]                    // no id
    [InlineData(new byte[] { 0xCB, 0x03, 0x01, 0x41 })]        // another magic
    [InlineData(new byte[] { 0xCA, 0x09, 0x01 })]              // unknown type
    [InlineData(new byte[] { 0xCA, 0x00, 0x01 })]              // type 0
    [InlineData(new byte[] { 0xCA, 0x03, 0x01 })]              // DATA without payload
    [InlineData(new byte[] { 0xCA, 0x01, 0x01, 0x41 })]        // OPEN with a payload
    [InlineData(new byte[] { 0xCA, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10 })] // id over 31 bits
    [InlineData(new byte[] { 0xCA, 0x02, 0x80 })]              // truncated varint
    [InlineData(new byte[] { 0xCA, 0x03, 0x81, 0x00, 0x41 })]  // id not minimal (once thrown into the client's receive loop)
    [InlineData(new byte[] { 0xCA, 0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // id varint too long
    public void Malformed_frames_are_refused(byte[] bytes) => Assert.False(TunnelFrame.TryRead(bytes, 1024, out _));

    [Fact]
    public void Oversized_payloads_are_refused()
    {
        byte[] wire = Convert.FromBase64String(new TunnelFrame(TunnelFrameType.Data, true, 1, new byte[2000]).ToBase64());
        Assert.False(TunnelFrame.TryRead(wire, 1999, out _));
        Assert.True(TunnelFrame.TryRead(wire, 2000, out _));
        byte[] reset = Convert.FromBase64String(new TunnelFrame(TunnelFrameType.Reset, true, 1, new byte[TunnelFrame.MaxReasonBytes + 1]).ToBase64());
        Assert.False(TunnelFrame.TryRead(reset, 64 * 1024, out _));
    }

    [Fact]
    public void Random_bytes_never_throw() => // (FsCheck found the non-minimal varint that threw)
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary(), bytes =>
        {
            if (bytes.Length > 0)
            {
                bytes[0] = TunnelFrame.Magic;
            }

            _ = TunnelFrame.TryRead(bytes, 512, out _);
        }).QuickCheckThrowOnFailure();
}
