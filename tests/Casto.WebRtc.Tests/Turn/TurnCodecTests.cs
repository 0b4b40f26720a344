using System.Net;
using Casto.WebRtc.Demux;
using Casto.WebRtc.Stun;
using Casto.WebRtc.Turn;

namespace Casto.WebRtc.Tests.Turn;

/// <summary>TURN attributes and ChannelData framing: byte vectors, round trips, and fuzz (only typed exceptions).</summary>
public sealed class TurnCodecTests
{
    private static readonly byte[] TransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae"); // RFC 5769 §2.2

    [Fact]
    public void Attributes_are_encoded_as_the_rfc_lays_them_out()
    {
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Allocate, TransactionId);
        writer.AddRequestedTransport(StunWriter.TransportUdp);
        writer.AddLifetime(600);
        writer.AddChannelNumber(0x4000);
        writer.AddXorPeerAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)); // RFC 5769 §2.2 address
        writer.AddData([1, 2, 3]);
        var hex = Convert.ToHexString(writer.Written[20..]).ToLowerInvariant();
        Assert.Equal(
            "00190004" + "11000000"
            + "000d0004" + "00000258"
            + "000c0004" + "40000000"
            + "00120008" + "0001a147e112a643" // same XOR encoding as XOR-MAPPED-ADDRESS in RFC 5769 §2.2
            + "00130003" + "01020300",
            hex);
        Assert.Equal(0x0003, Convert.ToInt32(Convert.ToHexString(writer.Written[..2]), 16)); // Allocate request
    }

    [Fact]
    public void Turn_attributes_round_trip_v4_and_v6()
    {
        foreach (var address in new[] { "203.0.113.9", "2001:db8::1234:5678" })
        {
            var peer = new IPEndPoint(IPAddress.Parse(address), 50123);
            var buffer = new byte[512];
            var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Allocate, TransactionId);
            writer.AddXorRelayedAddress(peer);
            writer.AddXorPeerAddress(peer);
            writer.AddLifetime(3600);
            writer.AddChannelNumber(0x4FFF);
            writer.AddRequestedTransport(17);
            writer.AddData("hello"u8);
            Assert.True(StunMessage.TryRead(writer.Written, out var m));
            Assert.Equal(StunMethod.Allocate, m.Method);
            Assert.True(m.TryGetXorRelayedAddress(out var relayed));
            Assert.Equal(peer, relayed);
            Assert.True(m.TryGetXorPeerAddress(out var p));
            Assert.Equal(peer, p);
            Assert.Equal(3600u, m.Lifetime);
            Assert.Equal((ushort)0x4FFF, m.ChannelNumber);
            Assert.Equal((byte)17, m.RequestedTransport);
            Assert.True(m.TryGetData(out var data));
            Assert.Equal("hello"u8.ToArray(), data.ToArray());
        }
    }

    [Fact]
    public void Fixed_size_turn_attributes_with_a_wrong_length_are_malformed()
    {
        // LIFETIME with length 2 (padded to 4).
        var bytes = Convert.FromHexString("00030008" + "2112a442" + "b7e7a701bc34d686fa87dfae" + "000d0002" + "00000000");
        var ex = Assert.Throws<StunException>(() => StunMessage.TryRead(bytes, out _));
        Assert.Equal(StunError.Malformed, ex.Error);
    }

    [Theory]
    [InlineData(false, 14)]
    [InlineData(true, 16)]
    public void ChannelData_vector_with_and_without_udp_padding(bool pad, int hexLength)
    {
        var buffer = new byte[16];
        var n = TurnChannelData.Write(buffer, 0x4001, "abc"u8, pad);
        var hex = Convert.ToHexString(buffer.AsSpan(0, n)).ToLowerInvariant();
        Assert.Equal(hexLength, hex.Length);
        Assert.Equal(pad ? "4001000361626300" : "40010003616263", hex);
        Assert.Equal(PacketKind.TurnChannel, PacketClassifier.Classify(buffer.AsSpan(0, n)));

        Assert.True(TurnChannelData.TryRead(buffer.AsSpan(0, n), out var channel, out var data));
        Assert.Equal((ushort)0x4001, channel);
        Assert.Equal("abc"u8.ToArray(), data.ToArray());
    }

    [Fact]
    public void ChannelData_edges()
    {
        Assert.False(TurnChannelData.TryRead([0x40, 0x00, 0x00], out _, out _)); // shorter than the header
        Assert.False(TurnChannelData.TryRead([0x00, 0x01, 0x00, 0x00], out _, out _)); // STUN's first bits
        Assert.True(TurnChannelData.TryRead([0x40, 0x00, 0x00, 0x00], out _, out var empty));
        Assert.True(empty.IsEmpty);
        var overrun = Assert.Throws<TurnException>(() => TurnChannelData.TryRead([0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4], out _, out _));
        Assert.Equal(TurnError.Malformed, overrun.Error);
        var reserved = Assert.Throws<TurnException>(() => TurnChannelData.TryRead([0x50, 0x00, 0x00, 0x00], out _, out _));
        Assert.Equal(TurnError.Malformed, reserved.Error);
        Assert.Throws<ArgumentOutOfRangeException>(() => TurnChannelData.Write(new byte[8], 0x3FFF, [1]));
        Assert.Equal(TurnError.BufferTooSmall, Assert.Throws<TurnException>(() => TurnChannelData.Write(new byte[5], 0x4000, [1, 2])).Error);
        for (var b = 64; b <= 79; b++)
        {
            Assert.Equal(PacketKind.TurnChannel, PacketClassifier.Classify([(byte)b, 0, 0, 0]));
        }
    }

    [Fact]
    public void ChannelData_round_trips_any_payload() =>
        Prop.ForAll<byte[], bool>((payload, pad) =>
        {
            payload ??= [];
            var channel = (ushort)(0x4000 + (payload.Length % 0x1000));
            var buffer = new byte[TurnChannelData.GetSize(payload.Length, pad)];
            var n = TurnChannelData.Write(buffer, channel, payload, pad);
            return n == buffer.Length && n % (pad ? 4 : 1) == 0
                && TurnChannelData.TryRead(buffer, out var c, out var data) && c == channel && data.SequenceEqual(payload);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Random_bytes_only_raise_typed_exceptions() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            bytes ??= [];
            Fuzz.OnlyThrows<TurnException>(() => TurnChannelData.TryRead(bytes, out _, out _));
            var framed = new byte[bytes.Length + 4];
            framed[0] = 0x40;
            bytes.CopyTo(framed, 2);
            Fuzz.OnlyThrows<TurnException>(() => TurnChannelData.TryRead(framed, out _, out _));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Mutated_turn_messages_only_raise_stun_exceptions() =>
        Prop.ForAll<int>(seed =>
        {
            var random = new Random(seed);
            var buffer = new byte[256];
            var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Allocate, TransactionId);
            writer.AddXorRelayedAddress(new IPEndPoint(IPAddress.Parse(random.Next(2) == 0 ? "10.1.2.3" : "fe80::1"), random.Next(65536)));
            writer.AddXorPeerAddress(new IPEndPoint(IPAddress.Loopback, random.Next(65536)));
            writer.AddLifetime((uint)random.Next());
            writer.AddChannelNumber((ushort)random.Next(0x4000, 0x5000));
            writer.AddRequestedTransport(17);
            writer.AddData(new byte[random.Next(0, 40)]);
            var bytes = writer.Written.ToArray();
            for (var i = 0; i < 1 + random.Next(4); i++)
            {
                bytes[20 + random.Next(bytes.Length - 20)] = (byte)random.Next(256);
            }

            Fuzz.OnlyThrows<StunException>(() =>
            {
                if (StunMessage.TryRead(bytes, out var m))
                {
                    m.TryGetXorRelayedAddress(out _);
                    m.TryGetXorPeerAddress(out _);
                    _ = m.Lifetime;
                    _ = m.ChannelNumber;
                    _ = m.RequestedTransport;
                    m.TryGetData(out _);
                }
            });
        }).QuickCheckThrowOnFailure();
}
