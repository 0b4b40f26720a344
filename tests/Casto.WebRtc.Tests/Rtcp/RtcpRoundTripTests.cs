using Casto.WebRtc.Rtcp;

namespace Casto.WebRtc.Tests.Rtcp;

public class RtcpRoundTripTests
{
    [Fact]
    public void Receiver_reports_round_trip()
    {
        Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var blocks = new ReceptionReport[rng.Next(0, 32)];
            for (int i = 0; i < blocks.Length; i++)
            {
                blocks[i] = new ReceptionReport(U32(rng), (byte)rng.Next(256), rng.Next(-0x800000, 0x800000), U32(rng), U32(rng), U32(rng), U32(rng));
            }

            var rr = new ReceiverReport { Ssrc = U32(rng), Reports = blocks };
            var buffer = new byte[rr.GetSize()];
            Assert.Equal(buffer.Length, rr.Write(buffer));
            Assert.True(ReceiverReport.TryRead(buffer, out ReceiverReport back));
            Assert.Equal(rr.Ssrc, back.Ssrc);
            Assert.Equal(blocks.Length, back.Reports.Count);
            for (int i = 0; i < blocks.Length; i++)
            {
                Assert.Equal(blocks[i], back.Reports[i]);
            }

            var copy = new byte[back.GetSize()];
            back.Write(copy);
            Assert.Equal(buffer, copy);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Nack_pack_expand_round_trips_with_wrap()
    {
        Prop.ForAll<ushort, int>((start, seed) =>
        {
            var rng = new Random(seed);
            var lost = new List<ushort>();
            ushort seq = start;
            for (int i = 0; i < rng.Next(1, 200); i++)
            {
                seq = (ushort)(seq + rng.Next(1, 40));
                lost.Add(seq);
            }

            var pairs = new NackPair[lost.Count];
            int count = NackPair.Pack(lost.ToArray(), pairs);
            var nack = new GenericNack(1, 2, pairs.AsSpan(0, count));
            var buffer = new byte[nack.GetSize()];
            nack.Write(buffer);
            Assert.True(GenericNack.TryRead(buffer, out GenericNack back));
            Assert.Equal(count, back.Count);
            var expanded = new ushort[lost.Count + 20];
            int n = back.CopyLost(expanded);
            Assert.Equal(lost, expanded.Take(n));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Nack_pair_vector_from_rfc4585_semantics()
    {
        // PID 0xFFFF, BLP 0x8001: lost 65535, 0 (wrap) and 65535+16 = 15.
        byte[] wire = [0x81, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0xFF, 0xFF, 0x80, 0x01];
        Assert.True(GenericNack.TryRead(wire, out GenericNack nack));
        Assert.Equal(1u, nack.SenderSsrc);
        Assert.Equal(2u, nack.MediaSsrc);
        Span<ushort> lost = stackalloc ushort[17];
        Assert.Equal(3, nack.CopyLost(lost));
        Assert.Equal(new ushort[] { 65535, 0, 15 }, lost[..3].ToArray());
    }

    [Fact]
    public void Pli_and_sdes_vectors()
    {
        // pion/rtcp picture_loss_indication_test.go: sender 0x902f9e2e, media 0x902f9e2e.
        byte[] pli = [0x81, 0xCE, 0x00, 0x02, 0x90, 0x2F, 0x9E, 0x2E, 0x90, 0x2F, 0x9E, 0x2E];
        Assert.True(PictureLossIndication.TryRead(pli, out PictureLossIndication p));
        Assert.Equal(new PictureLossIndication(0x902F9E2E, 0x902F9E2E), p);
        var copy = new byte[PictureLossIndication.Size];
        p.Write(copy);
        Assert.Equal(pli, copy);

        var sdes = new byte[SourceDescription.GetCnameSize(4)];
        SourceDescription.WriteCname(sdes, 7, "abcd"u8);
        // 4 header + 4 SSRC + 2 item header + 4 text = 14 → padded to 16 with at least one null.
        Assert.Equal(16, sdes.Length);
        Assert.Equal(new byte[] { 0x81, 0xCA, 0x00, 0x03, 0, 0, 0, 7, 1, 4, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 0, 0 }, sdes);
    }

    [Fact]
    public void Sender_report_and_nack_vectors_from_pion()
    {
        // pion/rtcp sender_report_test.go "valid" (its header says len=7; pion does not check it, we do, so the
        // length here is the true 12 words): SSRC 0x902f9e2e, NTP 0xda8bd1fcdddda05a, RTP 0xaaf4edd5, 1 packet, 2 octets,
        // one block as in the realPacket RR.
        byte[] sr =
        [
            0x81, 0xC8, 0x00, 0x0C, 0x90, 0x2F, 0x9E, 0x2E, 0xDA, 0x8B, 0xD1, 0xFC, 0xDD, 0xDD, 0xA0, 0x5A,
            0xAA, 0xF4, 0xED, 0xD5, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
            0xBC, 0x5E, 0x9A, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46, 0xE1, 0x00, 0x00, 0x01, 0x11,
            0x09, 0xF3, 0x64, 0x32, 0x00, 0x02, 0x4A, 0x79,
        ];
        Assert.True(SenderReport.TryRead(sr, out SenderReport report));
        Assert.Equal(0x902F9E2Eu, report.Ssrc);
        Assert.Equal(0xDA8BD1FCDDDDA05AUL, report.NtpTimestamp);
        Assert.Equal(0xAAF4EDD5u, report.RtpTimestamp);
        Assert.Equal((1u, 2u), (report.PacketCount, report.OctetCount));
        Assert.Equal(new ReceptionReport(0xBC5E9A40, 0, 0, 0x46E1, 273, 0x09F36432, 150137), report.Reports[0]);
        var copy = new byte[report.GetSize()];
        report.Write(copy);
        Assert.Equal(sr, copy);
        sr[3] = 0x07;
        Assert.False(SenderReport.TryRead(sr, out _));

        // pion/rtcp transport_layer_nack_test.go "valid": sender = media = 0x902f9e2e, PID 0xAAAA, BLP 0x5555.
        byte[] nack = [0x81, 0xCD, 0x00, 0x03, 0x90, 0x2F, 0x9E, 0x2E, 0x90, 0x2F, 0x9E, 0x2E, 0xAA, 0xAA, 0x55, 0x55];
        Assert.True(GenericNack.TryRead(nack, out GenericNack n));
        Assert.Equal(new NackPair(0xAAAA, 0x5555), n[0]);
        Assert.Equal(9, n[0].LostCount);
        var nackCopy = new byte[n.GetSize()];
        n.Write(nackCopy);
        Assert.Equal(nack, nackCopy);
    }

    private static uint U32(Random rng) => (uint)rng.NextInt64(0, 1L << 32);
}
