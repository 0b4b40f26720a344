using System.Buffers;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Multiformats;

namespace Casto.Stack.Tests.Multiaddrs;

/// <summary>Property tests: random valid addresses round-trip; random input only raises <see cref="MultiaddrFormatException"/>.</summary>
public class MultiaddrPropertyTests
{
    [Fact]
    public void Random_valid_addresses_round_trip_through_text_and_bytes() =>
        Prop.ForAll(Gen.Sized(size => Gen.Constant(size)).ToArbitrary(), (int seed) =>
        {
            var random = new Random(seed * 7919);
            for (var i = 0; i < 20; i++)
            {
                var address = Multiaddr.FromBytes(RandomAddress(random));
                var text = address.ToString();
                Assert.Equal(address, Multiaddr.Parse(text));
                Assert.Equal(address, Multiaddr.FromBytes(address.Bytes));
                Assert.Equal(text, Multiaddr.Parse(text).ToString());
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Random_bytes_only_raise_multiaddr_errors() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            Fuzz.OnlyThrows<MultiaddrFormatException>(() => Multiaddr.FromBytes(bytes));
            // Bytes that start like a real component exercise the value decoders.
            Fuzz.OnlyThrows<MultiaddrFormatException>(() => Multiaddr.FromBytes([0xa5, 0x03, .. bytes]));
            Fuzz.OnlyThrows<MultiaddrFormatException>(() => Multiaddr.FromBytes([0xd2, 0x03, (byte)(bytes.Length & 0x7f), .. bytes]));
            Fuzz.OnlyThrows<MultiaddrFormatException>(() => Multiaddr.FromBytes([0x35, (byte)(bytes.Length & 0x7f), .. bytes]));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Random_text_only_raises_multiaddr_errors()
    {
        var names = MultiaddrProtocol.All.Select(p => p.Name).Append("ipfs").ToArray();
        Prop.ForAll<string, int>((text, pick) =>
        {
            text ??= string.Empty;
            var name = names[Math.Abs(pick % names.Length)];
            Fuzz.OnlyThrows<MultiaddrFormatException>(() => Multiaddr.Parse(text));
            Fuzz.OnlyThrows<MultiaddrFormatException>(() => Multiaddr.Parse("/" + text));
            Fuzz.OnlyThrows<MultiaddrFormatException>(() => Multiaddr.Parse($"/{name}/{text}"));
            Fuzz.OnlyThrows<MultiaddrFormatException>(() => Multiaddr.Parse($"/{name}/{text}/tcp/1"));
        }).QuickCheckThrowOnFailure();
    }

    private static byte[] RandomAddress(Random random)
    {
        var writer = new ArrayBufferWriter<byte>();
        var count = random.Next(1, 8);
        for (var i = 0; i < count; i++)
        {
            var protocol = MultiaddrProtocol.All[random.Next(MultiaddrProtocol.All.Count)];
            if (protocol.Kind == MultiaddrValueKind.Path && i < count - 1)
            {
                continue; // a path must be last in text form
            }

            VarInt.Write((ulong)protocol.Code, writer);
            var value = RandomValue(protocol, random);
            if (protocol.FixedSize < 0)
            {
                VarInt.Write((ulong)value.Length, writer);
            }

            writer.Write(value);
        }

        return writer.WrittenSpan.ToArray();
    }

    private static byte[] RandomValue(MultiaddrProtocol protocol, Random random)
    {
        const string NameChars = "abcdefghijklmnopqrstuvwxyz0123456789-._~%:é中";
        switch (protocol.Kind)
        {
            case MultiaddrValueKind.None:
                return [];
            case MultiaddrValueKind.Name:
                return System.Text.Encoding.UTF8.GetBytes(RandomString(NameChars, random));
            case MultiaddrValueKind.Path:
                return System.Text.Encoding.UTF8.GetBytes("/" + RandomString(NameChars + "/", random).Trim('/') + "x");
            case MultiaddrValueKind.PeerId:
            case MultiaddrValueKind.Multihash:
                var digest = new byte[32];
                random.NextBytes(digest);
                return Multihash.Create(Multihash.Sha256Code, digest).Bytes.ToArray();
            default:
                var bytes = new byte[protocol.FixedSize];
                random.NextBytes(bytes);
                return bytes;
        }
    }

    private static string RandomString(string alphabet, Random random) =>
        new([.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
}
