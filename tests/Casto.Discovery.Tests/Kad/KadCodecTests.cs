using System.Buffers;
using Casto.Discovery.Kad;
using Casto.Stack.Multiformats;
using Google.Protobuf;
using KadPb = Casto.Discovery.Kad.Pb;

namespace Casto.Discovery.Tests.Kad;

public sealed class KadCodecTests
{
    private static byte[] Encode(KadPb.Message message, int max = 64 * 1024)
    {
        var writer = new ArrayBufferWriter<byte>();
        KadCodec.Write(message, writer, max);
        return writer.WrittenSpan.ToArray();
    }

    private static KadPb.Message? Decode(byte[] bytes, int max = 64 * 1024) =>
        KadCodec.TryRead(new ReadOnlySequence<byte>(bytes), max, out var message, out _) ? message : null;

    private static Gen<KadPb.Message> Messages() =>
        Gen.Choose(0, 5).SelectMany(type => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).SelectMany(key =>
            Gen.Choose(0, 25).Select(peers =>
            {
                var m = new KadPb.Message { Type = (KadPb.Message.Types.MessageType)type, Key = ByteString.CopyFrom(key) };
                for (var i = 0; i < peers; i++)
                {
                    var peer = new KadPb.Message.Types.Peer { Id = ByteString.CopyFrom(key.Concat(BitConverter.GetBytes(i)).ToArray()) };
                    peer.Addrs.Add(ByteString.CopyFrom([4, 127, 0, 0, (byte)i, 6, 0x10, 0]));
                    (i % 2 == 0 ? m.CloserPeers : m.ProviderPeers).Add(peer);
                }

                if (type is 0 or 1)
                {
                    m.Record = new KadPb.Record { Key = m.Key, Value = ByteString.CopyFrom(key.Reverse().ToArray()), TimeReceived = "2026-01-01T00:00:00.000Z" };
                }

                return m;
            })));

    [Fact]
    public void Write_then_read_round_trips() =>
        Prop.ForAll(Messages().ToArbitrary(), m => Decode(Encode(m))!.Equals(m)).QuickCheckThrowOnFailure();

    [Fact]
    public void A_split_message_needs_more_bytes_until_complete()
    {
        var bytes = Encode(new KadPb.Message { Type = KadPb.Message.Types.MessageType.FindNode, Key = ByteString.CopyFrom(new byte[100]) });
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Null(Decode(bytes[..cut]));
        }

        Assert.NotNull(Decode(bytes));
    }

    [Fact]
    public void An_oversized_length_prefix_is_refused_before_the_payload_arrives()
    {
        var prefix = new byte[VarInt.MaxLength];
        var n = VarInt.Write(1_000_000, prefix);
        var error = Assert.Throws<KadException>(() => Decode(prefix[..n], max: 64 * 1024));
        Assert.Equal(KadError.MessageTooLarge, error.Error);
    }

    [Fact]
    public void Writing_an_oversized_message_throws()
    {
        var big = new KadPb.Message { Key = ByteString.CopyFrom(new byte[5000]) };
        Assert.Equal(KadError.MessageTooLarge, Assert.Throws<KadException>(() => Encode(big, max: 1024)).Error);
    }

    [Fact]
    public void Garbage_protobuf_is_a_malformed_message()
    {
        byte[] bytes = [5, 0xff, 0xff, 0xff, 0xff, 0xff];
        Assert.Equal(KadError.MalformedMessage, Assert.Throws<KadException>(() => Decode(bytes)).Error);
        byte[] badVarint = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        Assert.Throws<KadException>(() => Decode(badVarint));
    }

    [Fact]
    public void Random_bytes_only_raise_KadException() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary(), bytes =>
            Fuzz.OnlyThrows<KadException>(() => Decode(bytes))).QuickCheckThrowOnFailure();

    [Fact]
    public void Stream_key_is_a_raw_cidv1_of_the_sha256_of_the_name()
    {
        var cid = KadKeys.ForStream("live/cats");
        Assert.Equal(1, cid.Version);
        Assert.Equal(0x55UL, cid.Codec);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData("live/cats"u8.ToArray()), cid.Hash.Digest.ToArray());
        Assert.Equal(cid, Cid.FromBytes(cid.ToBytes()));
        Assert.Equal("pk", KadKeys.NamespaceOf("/pk/abc"u8));
        Assert.Null(KadKeys.NamespaceOf("pk"u8));
    }
}
