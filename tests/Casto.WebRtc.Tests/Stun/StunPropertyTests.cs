using System.Net;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Tests.Stun;

/// <summary>Random messages round-trip through the writer and reader; random bytes only yield false or <see cref="StunException"/>.</summary>
public class StunPropertyTests
{
    [Fact]
    public void Random_messages_round_trip() =>
        Prop.ForAll<int>(seed =>
        {
            var random = new Random(seed);
            var txid = new byte[12];
            random.NextBytes(txid);
            var key = new byte[random.Next(1, 40)];
            random.NextBytes(key);
            var v6 = random.Next(2) == 0;
            var addressBytes = new byte[v6 ? 16 : 4];
            random.NextBytes(addressBytes);
            var endPoint = new IPEndPoint(new IPAddress(addressBytes), random.Next(65536));
            var username = new string('u', random.Next(0, 64)) + seed;
            var priority = (uint)random.NextInt64(uint.MaxValue);
            var tieBreaker = (ulong)random.NextInt64();
            var cls = (StunClass)random.Next(4);
            var controlling = random.Next(2) == 0;
            var useCandidate = random.Next(2) == 0;
            var sha256 = random.Next(2) == 0;

            var buffer = new byte[512];
            var writer = new StunWriter(buffer, cls, StunMethod.Binding, txid);
            writer.AddUsername(username);
            writer.AddXorMappedAddress(endPoint);
            writer.AddMappedAddress(endPoint);
            writer.AddPriority(priority);
            if (controlling)
            {
                writer.AddIceControlling(tieBreaker);
            }
            else
            {
                writer.AddIceControlled(tieBreaker);
            }

            if (useCandidate)
            {
                writer.AddUseCandidate();
            }

            writer.AddErrorCode(487, "Role Conflict");
            writer.AddUnknownAttributes([0x7777, 0x0042]);
            writer.AddSoftware("casto");
            writer.AddMessageIntegrity(key);
            if (sha256)
            {
                writer.AddMessageIntegritySha256(key);
            }

            writer.AddFingerprint();
            var bytes = writer.Written.ToArray();

            Assert.True(StunMessage.TryRead(bytes, out var m));
            Assert.Equal(cls, m.Class);
            Assert.Equal(StunMethod.Binding, m.Method);
            Assert.True(m.TransactionId.SequenceEqual(txid));
            Assert.Equal(username, m.Username);
            Assert.True(m.TryGetXorMappedAddress(out var xor));
            Assert.Equal(endPoint, xor);
            Assert.True(m.TryGetMappedAddress(out var plain));
            Assert.Equal(endPoint, plain);
            Assert.Equal(priority, m.Priority);
            Assert.Equal(tieBreaker, controlling ? m.IceControlling : m.IceControlled);
            Assert.Equal(useCandidate, m.UseCandidate);
            Assert.True(m.TryGetErrorCode(out var code, out var reason));
            Assert.Equal((487, "Role Conflict"), (code, reason));
            Span<ushort> unknown = stackalloc ushort[4];
            Assert.Equal(2, m.GetUnknownAttributes(unknown));
            Assert.Equal(0x7777, unknown[0]);
            Assert.Equal("casto", m.Software);
            Assert.Equal(sha256, m.HasMessageIntegritySha256);
            m.Validate(key, requireFingerprint: true);
            Assert.False(m.VerifyMessageIntegrity([.. key, 1]));
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Message_type_bits_follow_the_rfc()
    {
        var buffer = new byte[20];
        var txid = new byte[12];
        _ = new StunWriter(buffer, StunClass.ErrorResponse, StunMethod.Allocate, txid);
        Assert.Equal(0x0113, (buffer[0] << 8) | buffer[1]);
        _ = new StunWriter(buffer, StunClass.Indication, StunMethod.Send, txid);
        Assert.Equal(0x0016, (buffer[0] << 8) | buffer[1]);
        _ = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, txid);
        Assert.Equal(0x0101, (buffer[0] << 8) | buffer[1]);
        Assert.True(StunMessage.TryRead(buffer, out var m));
        Assert.Equal(StunClass.SuccessResponse, m.Class);
    }

    [Fact]
    public void Attributes_after_integrity_are_ignored_and_writer_checks_room()
    {
        var buffer = new byte[128];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, new byte[12]);
        writer.AddMessageIntegrity("k"u8);
        writer.AddPriority(7);
        Assert.True(StunMessage.TryRead(writer.Written, out var m));
        Assert.Null(m.Priority);
        Assert.True(m.VerifyMessageIntegrity("k"u8));
        Assert.Equal(StunError.BufferTooSmall, Assert.Throws<StunException>(() =>
        {
            var small = new StunWriter(new byte[24], StunClass.Request, StunMethod.Binding, new byte[12]);
            small.AddPriority(1);
        }).Error);
    }

    [Fact]
    public void Random_bytes_only_return_false_or_raise_stun_errors() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            bytes ??= [];
            Fuzz.OnlyThrows<StunException>(() => Probe(bytes));
            // A valid header in front of random attributes exercises the attribute walk.
            byte[] framed = [0x00, 0x01, (byte)((bytes.Length & ~3) >> 8), (byte)(bytes.Length & ~3), 0x21, 0x12, 0xa4, 0x42, .. new byte[12], .. bytes];
            Fuzz.OnlyThrows<StunException>(() => Probe(framed));
            var sample = Vectors.Hex("rfc5769/sample-request.hex");
            if (bytes.Length > 0)
            {
                sample[bytes[0] % sample.Length] ^= (byte)(1 << (bytes.Length % 8));
            }

            Fuzz.OnlyThrows<StunException>(() => Probe(sample));
            Fuzz.OnlyThrows<StunException>(() => Probe(sample[..(bytes.Length % sample.Length)]));
        }).QuickCheckThrowOnFailure();

    private static void Probe(byte[] bytes)
    {
        if (!StunMessage.TryRead(bytes, out var m))
        {
            return;
        }

        foreach (var attribute in m)
        {
            _ = attribute.Value.Length;
        }

        _ = (m.Class, m.Method, m.Priority, m.IceControlled, m.IceControlling, m.UseCandidate);
        _ = m.VerifyFingerprint();
        _ = m.VerifyMessageIntegrity("k"u8);
        _ = m.VerifyMessageIntegritySha256("k"u8);
        m.GetUnknownAttributes(stackalloc ushort[8]);
        m.GetUnknownComprehensionRequired(stackalloc ushort[8]);
        m.TryGetXorMappedAddress(out _);
        m.TryGetMappedAddress(out _);
        m.TryGetErrorCode(out _, out _);
        _ = (m.Username, m.Software, m.Realm, m.Nonce);
        m.Validate("k"u8);
    }
}
