using System.Net;
using Casto.Discovery.Dns;

namespace Casto.Discovery.Tests.Dns;

public sealed class DnsPropertyTests
{
    private static readonly string[] Labels = ["_p2p", "_udp", "local", "a", "Peer-1", "x\\.y", "host", "ünï", new string('z', 63)];

    private static Gen<string> Name() =>
        Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements(Labels), n)).Select(l => string.Join('.', l));

    private static Gen<DnsRecord> Record() =>
        Gen.Choose(0, 4).SelectMany(kind => Name().SelectMany(name => Gen.Choose(0, 100_000).SelectMany(ttl => Name().Select(target => kind switch
        {
            0 => (DnsRecord)new DnsPtrRecord(name, (uint)ttl, target),
            1 => DnsTxtRecord.FromStrings(name, (uint)ttl, [target, "dnsaddr=/ip4/10.0.0.1/tcp/" + ttl]),
            2 => new DnsAddressRecord(name, (uint)ttl, new IPAddress(BitConverter.GetBytes(ttl))),
            3 => new DnsSrvRecord(name, (uint)ttl, 1, 2, (ushort)ttl, target, DnsClass.Internet | DnsClass.TopBit),
            _ => new DnsAddressRecord(name, (uint)ttl, IPAddress.Parse("fd00::" + (ttl % 65535).ToString("x", System.Globalization.CultureInfo.InvariantCulture))),
        }))));

    private static Gen<DnsMessage> Message() =>
        Gen.ListOf(Name().Select(n => new DnsQuestion(n, DnsRecordType.Ptr))).SelectMany(q =>
            Gen.ListOf(Record()).SelectMany(answers => Gen.ListOf(Record()).Select(additionals =>
                new DnsMessage(0, 0x8400, [.. q.Take(8)], [.. answers.Take(20)], [], [.. additionals.Take(20)]))));

    [Fact]
    public void Write_then_read_round_trips() =>
        Prop.ForAll(Message().ToArbitrary(), m =>
            new DnsMessageTests.MessageComparer().Equals(m, DnsMessage.Read(m.ToArray()))).QuickCheckThrowOnFailure();

    [Fact]
    public void Compression_never_makes_a_message_larger() =>
        Prop.ForAll(Message().ToArbitrary(), m =>
        {
            var compressed = m.ToArray().Length;
            var plain = 12 + m.Questions.Sum(q => System.Text.Encoding.UTF8.GetByteCount(q.Name) + 2 + 4) + m.Answers.Concat(m.Additionals).Sum(r => System.Text.Encoding.UTF8.GetByteCount(r.Name) + 2 + 10 + 600);
            return compressed <= plain;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Mutated_packets_only_raise_DnsException() =>
        Prop.ForAll(Message().ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, int.MaxValue)).ToArbitrary(), (m, edits) =>
        {
            var bytes = m.ToArray();
            foreach (var e in edits)
            {
                bytes[e % bytes.Length] = (byte)(e >> 8);
            }

            var cut = edits.Length > 0 ? edits[0] % (bytes.Length + 1) : bytes.Length;
            Fuzz.OnlyThrows<DnsException>(() => DnsMessage.Read(bytes.AsSpan(0, cut)));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Random_bytes_only_raise_DnsException() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary(), bytes =>
            Fuzz.OnlyThrows<DnsException>(() => DnsMessage.Read(bytes))).QuickCheckThrowOnFailure();
}
