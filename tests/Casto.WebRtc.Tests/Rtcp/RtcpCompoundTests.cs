using System.Text;
using Casto.WebRtc.Rtcp;

namespace Casto.WebRtc.Tests.Rtcp;

public class RtcpCompoundTests
{
    // A captured compound (RR + SDES CNAME + BYE) from pion/rtcp packet_test.go "realPacket" (first 92 bytes),
    // re-typed here with its field comments.
    internal static readonly byte[] PionRealPacket =
    [
        // RR, RC=1, length 7: sender 0x902f9e2e; block for 0xbc5e9a40, lost 0/0, highest 0x46e1, jitter 273, LSR 0x09f36432, DLSR 150137
        0x81, 0xC9, 0x00, 0x07, 0x90, 0x2F, 0x9E, 0x2E, 0xBC, 0x5E, 0x9A, 0x40, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x46, 0xE1, 0x00, 0x00, 0x01, 0x11, 0x09, 0xF3, 0x64, 0x32, 0x00, 0x02, 0x4A, 0x79,
        // SDES, SC=1, length 12: 0x902f9e2e CNAME(38) "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}", END + pad
        0x81, 0xCA, 0x00, 0x0C, 0x90, 0x2F, 0x9E, 0x2E, 0x01, 0x26,
        0x7B, 0x39, 0x63, 0x30, 0x30, 0x65, 0x62, 0x39, 0x32, 0x2D, 0x31, 0x61, 0x66, 0x62, 0x2D, 0x39,
        0x64, 0x34, 0x39, 0x2D, 0x61, 0x34, 0x37, 0x64, 0x2D, 0x39, 0x31, 0x66, 0x36, 0x34, 0x65, 0x65,
        0x65, 0x36, 0x39, 0x66, 0x35, 0x7D, 0x00, 0x00, 0x00, 0x00,
        // BYE, SC=1, length 1: 0x902f9e2e
        0x81, 0xCB, 0x00, 0x01, 0x90, 0x2F, 0x9E, 0x2E,
    ];

    [Fact]
    public void Iterates_pion_real_packet()
    {
        var reader = new RtcpCompoundReader(PionRealPacket);
        Assert.True(reader.TryReadNext(out RtcpPacket rr));
        Assert.Equal(new RtcpHeader(false, 1, RtcpPacketType.ReceiverReport, 7), rr.Header);
        Assert.True(ReceiverReport.TryRead(rr.Packet, out ReceiverReport report));
        Assert.Equal(0x902F9E2Eu, report.Ssrc);
        Assert.Equal(1, report.Reports.Count);
        Assert.Equal(new ReceptionReport(0xBC5E9A40, 0, 0, 0x46E1, 273, 0x09F36432, 150137), report.Reports[0]);

        Assert.True(reader.TryReadNext(out RtcpPacket sdes));
        Assert.True(SourceDescription.TryGetCname(sdes.Packet, out uint ssrc, out ReadOnlySpan<byte> cname));
        Assert.Equal(0x902F9E2Eu, ssrc);
        Assert.Equal("{9c00eb92-1afb-9d49-a47d-91f64eee69f5}", Encoding.ASCII.GetString(cname));

        Assert.True(reader.TryReadNext(out RtcpPacket bye));
        Assert.True(Goodbye.TryRead(bye.Packet, out Goodbye goodbye));
        Assert.Equal(1, goodbye.SourceCount);
        Assert.Equal(0x902F9E2Eu, goodbye.GetSource(0));
        Assert.True(goodbye.Reason.IsEmpty);

        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.IsMalformed);
        Assert.True(RtcpCompoundReader.IsValid(PionRealPacket));
    }

    [Fact]
    public void Rejects_truncated_compound()
    {
        // pion/rtcp TestBadCompound: the first 34 bytes end inside the SDES.
        var reader = new RtcpCompoundReader(PionRealPacket.AsSpan(0, 34));
        Assert.True(reader.TryReadNext(out _));
        Assert.False(reader.TryReadNext(out _));
        Assert.True(reader.IsMalformed);
        Assert.False(RtcpCompoundReader.IsValid([0x81, 0xC9]));
        Assert.False(RtcpCompoundReader.IsValid([]));
    }

    [Fact]
    public void Foreach_counts_packets()
    {
        int count = 0;
        foreach (RtcpPacket p in new RtcpCompoundReader(PionRealPacket))
        {
            Assert.True(p.Packet.Length >= 4);
            count++;
        }

        Assert.Equal(3, count);
    }

    [Fact]
    public void Builds_and_reads_a_full_compound()
    {
        var buffer = new byte[1500];
        ReceptionReport[] blocks = [new(1, 25, -3, 70000, 12, 34, 56), new(2, 0, 0x7FFFFF, 1, 2, 3, 4)];
        int offset = new SenderReport
        {
            Ssrc = 0x11223344, NtpTimestamp = 0xDA8BD1FCDDDDA05A, RtpTimestamp = 0xAAF4EDD5, PacketCount = 1, OctetCount = 2, Reports = blocks,
        }.Write(buffer);
        offset += SourceDescription.WriteCname(buffer.AsSpan(offset), 0x11223344, "casto"u8);
        offset += new GenericNack(0x11223344, 0x55667788, [new NackPair(100, 0b101)]).Write(buffer.AsSpan(offset));
        offset += new PictureLossIndication(0x11223344, 0x55667788).Write(buffer.AsSpan(offset));
        offset += new FullIntraRequest(0x11223344, [new FirEntry(0x55667788, 7)]).Write(buffer.AsSpan(offset));
        offset += new Goodbye { Sources = [0x11, 0x22, 0x33, 0x44], Reason = "bye"u8 }.Write(buffer.AsSpan(offset));

        var compound = buffer.AsSpan(0, offset);
        Assert.True(RtcpCompoundReader.IsValid(compound));
        var reader = new RtcpCompoundReader(compound);

        Assert.True(reader.TryReadNext(out RtcpPacket p));
        Assert.True(SenderReport.TryRead(p.Packet, out SenderReport sr));
        Assert.Equal(0xDA8BD1FCDDDDA05AUL, sr.NtpTimestamp);
        Assert.Equal(0xAAF4EDD5u, sr.RtpTimestamp);
        Assert.Equal(2, sr.Reports.Count);
        Assert.Equal(blocks[0], sr.Reports[0]);
        Assert.Equal(blocks[1], sr.Reports[1]);

        Assert.True(reader.TryReadNext(out p));
        Assert.True(SourceDescription.TryGetCname(p.Packet, out _, out ReadOnlySpan<byte> cname));
        Assert.True(cname.SequenceEqual("casto"u8));

        Assert.True(reader.TryReadNext(out p));
        Assert.True(GenericNack.TryRead(p.Packet, out GenericNack nack));
        Span<ushort> lost = stackalloc ushort[17];
        Assert.Equal(3, nack.CopyLost(lost));
        Assert.Equal(new ushort[] { 100, 101, 103 }, lost[..3].ToArray());

        Assert.True(reader.TryReadNext(out p));
        Assert.True(PictureLossIndication.TryRead(p.Packet, out PictureLossIndication pli));
        Assert.Equal(0x55667788u, pli.MediaSsrc);
        Assert.False(GenericNack.TryRead(p.Packet, out _));

        Assert.True(reader.TryReadNext(out p));
        Assert.True(FullIntraRequest.TryRead(p.Packet, out FullIntraRequest fir));
        Assert.Equal(new FirEntry(0x55667788, 7), fir[0]);
        Assert.False(PictureLossIndication.TryRead(p.Packet, out _));

        Assert.True(reader.TryReadNext(out p));
        Assert.True(Goodbye.TryRead(p.Packet, out Goodbye bye));
        Assert.Equal(0x11223344u, bye.GetSource(0));
        Assert.True(bye.Reason.SequenceEqual("bye"u8));
        Assert.False(reader.TryReadNext(out _));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Prop.ForAll<byte[]>(bytes => Fuzz.OnlyThrows<RtcpException>(() => ParseEverything(bytes))).QuickCheckThrowOnFailure();
        var rng = new Random(11);
        var buffer = new byte[256];
        for (int i = 0; i < 20_000; i++)
        {
            rng.NextBytes(buffer);
            buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
            buffer[1] = (byte)rng.Next(200, 207);
            buffer[2] = 0;
            buffer[3] = (byte)rng.Next(0, 70);
            ParseEverything(buffer.AsSpan(0, rng.Next(0, buffer.Length)));
        }
    }

    [Fact]
    public void Rejects_counts_that_do_not_fit_the_length()
    {
        byte[] rr = [0x9F, 0xC9, 0x00, 0x01, 0, 0, 0, 1]; // RC=31 with only the sender SSRC
        Assert.True(RtcpCompoundReader.IsValid(rr));
        Assert.False(ReceiverReport.TryRead(rr, out _));
        byte[] bye = [0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1]; // SC=2, one source
        Assert.False(Goodbye.TryRead(bye, out _));
        byte[] nack = [0x81, 0xCD, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2]; // NACK without FCI
        Assert.False(GenericNack.TryRead(nack, out _));
        byte[] padded = [0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 9]; // padding count 9 > body
        Assert.False(RtcpCompoundReader.IsValid(padded));
        Assert.Throws<RtcpException>(() => new ReceiverReport { Reports = new ReceptionReport[32] }.Write(new byte[2000]));
    }

    private static void ParseEverything(ReadOnlySpan<byte> bytes)
    {
        var reader = new RtcpCompoundReader(bytes);
        Span<ushort> lost = stackalloc ushort[64];
        while (reader.TryReadNext(out RtcpPacket p))
        {
            if (SenderReport.TryRead(p.Packet, out SenderReport sr))
            {
                for (int i = 0; i < sr.Reports.Count; i++)
                {
                    _ = sr.Reports[i];
                }
            }

            if (ReceiverReport.TryRead(p.Packet, out ReceiverReport rr))
            {
                for (int i = 0; i < rr.Reports.Count; i++)
                {
                    _ = rr.Reports[i];
                }
            }

            SourceDescription.TryGetCname(p.Packet, out _, out _);
            if (Goodbye.TryRead(p.Packet, out Goodbye bye))
            {
                for (int i = 0; i < bye.SourceCount; i++)
                {
                    _ = bye.GetSource(i);
                }
            }

            if (GenericNack.TryRead(p.Packet, out GenericNack nack))
            {
                nack.CopyLost(lost);
            }

            PictureLossIndication.TryRead(p.Packet, out _);
            if (FullIntraRequest.TryRead(p.Packet, out FullIntraRequest fir))
            {
                for (int i = 0; i < fir.Count; i++)
                {
                    _ = fir[i];
                }
            }
        }
    }
}
