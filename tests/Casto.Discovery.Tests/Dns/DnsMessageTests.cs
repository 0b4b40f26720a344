using System.Net;
using Casto.Discovery.Dns;

namespace Casto.Discovery.Tests.Dns;

public sealed class DnsMessageTests
{
    // Encoded by dns-packet 5 (what multicast-dns / js-libp2p @libp2p/mdns sends): the PTR query.
    private const string JsQuery = "000000000001000000000000045f703270045f756470056c6f63616c00000c0001";

    // dns-packet: the response @libp2p/mdns's gotQuery builds (PTR + one TXT per address, no compression).
    private const string JsResponse =
        "000084000000000200000000045f703270045f756470056c6f63616c00000c00010000007800513f6162636465666768696a6b6c6d6e6f70717273747576"
        + "7778797a4142434445464748494a4b4c4d4e4f505152535455565758595a3031323334353637383961045f703270045f756470056c6f63616c003f61626364"
        + "65666768696a6b6c6d6e6f707172737475767778797a4142434445464748494a4b4c4d4e4f505152535455565758595a3031323334353637383961045f703270"
        + "045f756470056c6f63616c000010000100000078005857646e73616464723d2f6970342f31302e302e302e312f7463702f343030312f7032702f313244334b"
        + "6f6f57443365636b69665770526e397751704d4739523968583373443135387a37457148576d776551414a55355341";

    private const string Instance = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789a._p2p._udp.local";

    [Fact]
    public void Reads_the_query_js_libp2p_sends_and_writes_the_same_bytes()
    {
        var message = DnsMessage.Read(Convert.FromHexString(JsQuery));
        Assert.False(message.IsResponse);
        var question = Assert.Single(message.Questions);
        Assert.Equal(new DnsQuestion("_p2p._udp.local", DnsRecordType.Ptr), question);
        Assert.Equal(JsQuery, Convert.ToHexStringLower(DnsMessage.Query(question).ToArray()));
    }

    [Fact]
    public void Reads_the_response_js_libp2p_sends()
    {
        var message = DnsMessage.Read(Convert.FromHexString(JsResponse));
        Assert.True(message.IsResponse);
        Assert.Equal(2, message.Answers.Count);
        var ptr = Assert.IsType<DnsPtrRecord>(message.Answers[0]);
        Assert.Equal(("_p2p._udp.local", 120u, Instance), (ptr.Name, ptr.Ttl, ptr.Target));
        var txt = Assert.IsType<DnsTxtRecord>(message.Answers[1]);
        Assert.Equal(Instance, txt.Name);
        Assert.Equal(["dnsaddr=/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"], txt.Texts);
    }

    [Fact]
    public void Compresses_names_like_the_rfc_1035_example()
    {
        // RFC 1035 §4.1.4: F.ISI.ARPA, then FOO.F.ISI.ARPA as "FOO" + pointer, then ARPA as a pointer alone.
        var message = new DnsMessage(0, 0, [new DnsQuestion("F.ISI.ARPA", DnsRecordType.A)],
            [new DnsPtrRecord("FOO.F.ISI.ARPA", 1, "ARPA")], [], []);
        var bytes = message.ToArray();
        var expected = Convert.FromHexString(
            "000000000001000100000000" + "0146034953490441525041" + "00" + "00010001"
            + "03464f4f" + "c00c" + "000c" + "0001" + "00000001" + "0002" + "c012");
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
        Assert.Equal(message with { }, DnsMessage.Read(bytes), new MessageComparer());
    }

    [Theory]
    [InlineData("c00c", DnsError.InvalidPointer)] // points at itself
    [InlineData("c00e", DnsError.InvalidPointer)] // points forward
    [InlineData("0161c00c", DnsError.InvalidPointer)] // label then a pointer back to the label: a loop
    [InlineData("40", DnsError.InvalidLabel)] // reserved 0b01 prefix
    [InlineData("0561", DnsError.Truncated)]
    public void Rejects_bad_names(string name, DnsError error)
    {
        var packet = Convert.FromHexString("000000000001000000000000" + name + "000c0001");
        Assert.Equal(error, Assert.Throws<DnsException>(() => DnsMessage.Read(packet)).Error);
    }

    [Fact]
    public void Rejects_long_labels_and_names()
    {
        Assert.Equal(DnsError.InvalidLabel, Assert.Throws<DnsException>(() => DnsMessage.Query(new DnsQuestion(new string('a', 64), DnsRecordType.A)).ToArray()).Error);
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));
        Assert.Equal(DnsError.NameTooLong, Assert.Throws<DnsException>(() => DnsMessage.Query(new DnsQuestion(name, DnsRecordType.A)).ToArray()).Error);
        var wire = string.Concat(Enumerable.Repeat("3f" + Convert.ToHexString(new byte[63]).Replace("00", "61", StringComparison.Ordinal), 4));
        var packet = Convert.FromHexString("000000000001000000000000" + wire + "00" + "00010001");
        Assert.Equal(DnsError.NameTooLong, Assert.Throws<DnsException>(() => DnsMessage.Read(packet)).Error);
    }

    [Fact]
    public void Chains_of_backward_pointers_are_bounded()
    {
        // 40 names each "a" + pointer to the previous one (inside an unparsed record), then a record named by
        // a pointer to the last: every pointer is legal, but the name needs too many jumps and is too long.
        var chain = new List<byte>();
        var previous = 12;
        for (var i = 0; i < 40; i++)
        {
            var at = 30 + chain.Count;
            chain.AddRange([1, (byte)'a', (byte)(0xC0 | (previous >> 8)), (byte)previous]);
            previous = at;
        }

        var packet = new List<byte>(Convert.FromHexString("000000000001000100000001" + "01610000010001" + "00" + "0063000100000000"));
        packet.AddRange([(byte)(chain.Count >> 8), (byte)chain.Count, .. chain]);
        packet.AddRange([(byte)(0xC0 | (previous >> 8)), (byte)previous, 0, 0x63, 0, 1, 0, 0, 0, 0, 0, 0]);
        var error = Assert.Throws<DnsException>(() => DnsMessage.Read([.. packet]));
        Assert.True(error.Error is DnsError.InvalidPointer or DnsError.NameTooLong);
    }

    [Fact]
    public void Bounds_huge_txt_records_and_record_counts()
    {
        var many = DnsTxtRecord.FromStrings("x.local", 1, Enumerable.Repeat("k=v", 65));
        Assert.Equal(DnsError.InvalidRecordData, Assert.Throws<DnsException>(() => DnsMessage.Response([many]).ToArray()).Error);
        var big = new DnsTxtRecord("x.local", 1, [new byte[256]]);
        Assert.Equal(DnsError.InvalidRecordData, Assert.Throws<DnsException>(() => DnsMessage.Response([big]).ToArray()).Error);
        var huge = DnsTxtRecord.FromStrings("x.local", 1, Enumerable.Repeat(new string('v', 255), 40));
        Assert.Equal(DnsError.MessageTooLarge, Assert.Throws<DnsException>(() => DnsMessage.Response([huge]).ToArray()).Error);

        // A header that claims 65,535 answers is refused before anything is allocated for them.
        var counts = Convert.FromHexString("00008400" + "0000ffff00000000");
        Assert.Equal(DnsError.TooManyRecords, Assert.Throws<DnsException>(() => DnsMessage.Read(counts)).Error);

        // 60,000 bytes of TXT in one datagram: over the 9,000-byte mDNS limit.
        Assert.Equal(DnsError.MessageTooLarge, Assert.Throws<DnsException>(() => DnsMessage.Read(new byte[60_000])).Error);
    }

    [Fact]
    public void Round_trips_every_record_kind()
    {
        var message = new DnsMessage(7, 0x8400, [new DnsQuestion("_p2p._udp.local", DnsRecordType.Ptr, DnsClass.Internet | DnsClass.TopBit)],
            [new DnsPtrRecord("_p2p._udp.local", 120, "my\\.peer._p2p._udp.local"), DnsTxtRecord.FromStrings("my\\.peer._p2p._udp.local", 120, ["a=1", ""])],
            [new DnsSrvRecord("my\\.peer._p2p._udp.local", 120, 0, 0, 4001, "host.local")],
            [new DnsAddressRecord("host.local", 120, IPAddress.Parse("10.0.0.1"), DnsClass.Internet | DnsClass.TopBit),
             new DnsAddressRecord("host.local", 120, IPAddress.Parse("fe80::1")),
             new DnsRawRecord("host.local", 120, DnsRecordType.Nsec, new byte[] { 1, 2, 3 })]);
        Assert.Equal(message, DnsMessage.Read(message.ToArray()), new MessageComparer());
    }

    internal sealed class MessageComparer : IEqualityComparer<DnsMessage>
    {
        public bool Equals(DnsMessage? x, DnsMessage? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Flags == y.Flags
            && x.Questions.SequenceEqual(y.Questions) && x.Answers.SequenceEqual(y.Answers)
            && x.Authorities.SequenceEqual(y.Authorities) && x.Additionals.SequenceEqual(y.Additionals);

        public int GetHashCode(DnsMessage obj) => obj.Id;
    }
}
