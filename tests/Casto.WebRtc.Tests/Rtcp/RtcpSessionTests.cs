using Casto.WebRtc.Nack;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Tests.Nack;

namespace Casto.WebRtc.Tests.Rtcp;

/// <summary>RtcpSession on a ManualTimeProvider: report and feedback ticks, NACK answering, PLI/FIR, RTT, fuzz.</summary>
public sealed class RtcpSessionTests
{
    private const uint Local = 0xAAAA0001;
    private const uint Remote = 0x1234;

    private sealed class Harness : IDisposable
    {
        public Harness(RtcpSessionOptions? options = null)
        {
            options ??= new RtcpSessionOptions();
            options.TimeProvider = Time;
            Session = new RtcpSession(Local, "casto-test", options, rtcp => Sent.Add(rtcp.ToArray()), rtp => Resent.Add(rtp.ToArray()));
            Session.Start();
        }

        public ManualTimeProvider Time { get; } = new();

        public RtcpSession Session { get; }

        public List<byte[]> Sent { get; } = [];

        public List<byte[]> Resent { get; } = [];

        public void Dispose() => Session.Dispose();
    }

    private static List<(RtcpPacketType Type, byte Count, byte[] Packet)> Split(byte[] compound)
    {
        Assert.True(RtcpCompoundReader.IsValid(compound));
        var list = new List<(RtcpPacketType, byte, byte[])>();
        foreach (RtcpPacket p in new RtcpCompoundReader(compound))
        {
            list.Add((p.Header.Type, p.Header.Count, p.Packet.ToArray()));
        }

        return list;
    }

    private static ushort[] Nacked(byte[] compound)
    {
        var nack = Split(compound).Single(p => p.Type == RtcpPacketType.TransportFeedback).Packet;
        Assert.True(GenericNack.TryRead(nack, out GenericNack parsed));
        Assert.Equal(Local, parsed.SenderSsrc);
        Assert.Equal(Remote, parsed.MediaSsrc);
        var lost = new ushort[1024];
        return lost[..parsed.CopyLost(lost)];
    }

    [Fact]
    public void Gap_is_nacked_on_the_next_feedback_tick_in_a_compound_starting_with_rr_and_cname()
    {
        using var h = new Harness();
        foreach (ushort seq in new ushort[] { 10, 11, 14, 15 })
        {
            h.Session.OnRtpReceived(NackTests.Packet(seq));
        }

        Assert.Empty(h.Sent);
        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        var compound = Assert.Single(h.Sent);
        var parts = Split(compound);
        Assert.Equal(RtcpPacketType.ReceiverReport, parts[0].Type);
        Assert.Equal(RtcpPacketType.SourceDescription, parts[1].Type);
        Assert.True(SourceDescription.TryGetCname(parts[1].Packet, out uint ssrc, out ReadOnlySpan<byte> cname));
        Assert.Equal(Local, ssrc);
        Assert.Equal("casto-test"u8.ToArray(), cname.ToArray());
        Assert.Equal(new ushort[] { 12, 13 }, Nacked(compound));

        // Retried only after RetryInterval (50 ms); recovered packets are no longer asked for.
        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Single(h.Sent);
        h.Session.OnRtpReceived(NackTests.Packet(12));
        h.Time.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal(2, h.Sent.Count);
        Assert.Equal(new ushort[] { 13 }, Nacked(h.Sent[1]));
        var stats = h.Session.GetStats();
        Assert.Equal(2, stats.NacksSent);
        Assert.Equal(3, stats.NackedPacketsRequested);
        Assert.Equal(5, stats.PacketsReceived);
        Assert.Equal(1, stats.PacketsLost);
    }

    [Fact]
    public void Nacks_stop_after_the_retry_limit()
    {
        using var h = new Harness(new RtcpSessionOptions { Nack = new NackGeneratorOptions { MaxRetries = 3, RetryInterval = TimeSpan.FromMilliseconds(20), MaxPerNack = 64 } });
        h.Session.OnRtpReceived(NackTests.Packet(1));
        h.Session.OnRtpReceived(NackTests.Packet(3));
        h.Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(3, h.Sent.Count(c => Split(c).Any(p => p.Type == RtcpPacketType.TransportFeedback)));
        Assert.Equal(1, h.Session.GetStats().NackGivenUp);
    }

    [Fact]
    public void Report_tick_sends_rr_with_a_block_or_sr_when_sending()
    {
        using var h = new Harness();
        for (ushort seq = 100; seq < 110; seq++)
        {
            if (seq != 105)
            {
                h.Session.OnRtpReceived(NackTests.Packet(seq));
            }
        }

        h.Time.Advance(TimeSpan.FromSeconds(1));
        var rr = h.Sent.Select(Split).Single(p => p[0].Type == RtcpPacketType.ReceiverReport && p[0].Count == 1);
        Assert.True(ReceiverReport.TryRead(rr[0].Packet, out ReceiverReport report));
        Assert.Equal(Local, report.Ssrc);
        ReceptionReport block = report.Reports[0];
        Assert.Equal(Remote, block.Ssrc);
        Assert.Equal(109u, block.ExtendedHighestSequence);
        Assert.Equal(256 / 10, block.FractionLost);
        Assert.Equal(1, block.CumulativeLost);
        Assert.Equal(RtcpPacketType.SourceDescription, rr[1].Type);

        h.Sent.Clear();
        h.Session.OnRtpSent(NackTests.Packet(7, Local, 200));
        h.Session.OnRtpSent(NackTests.Packet(8, Local, 300));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var sr = Split(h.Sent.Single(c => Split(c)[0].Type == RtcpPacketType.SenderReport));
        Assert.True(SenderReport.TryRead(sr[0].Packet, out SenderReport senderReport));
        Assert.Equal(Local, senderReport.Ssrc);
        Assert.Equal(2u, senderReport.PacketCount);
        Assert.Equal(500u, senderReport.OctetCount);
        Assert.Equal((8 * 3000u) + 90_000u, senderReport.RtpTimestamp); // extrapolated by the 1 s since the last packet
        Assert.Equal(1, senderReport.Reports.Count);
        Assert.True(h.Session.GetStats().SenderReportsSent >= 1);

        // Quiet for more than two intervals: back to RR.
        h.Sent.Clear();
        h.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(RtcpPacketType.ReceiverReport, Split(h.Sent[^1])[0].Type);
    }

    [Fact]
    public void Nack_is_answered_from_the_send_history_and_pli_fir_raise_the_event()
    {
        using var h = new Harness();
        for (ushort seq = 1; seq <= 20; seq++)
        {
            h.Session.OnRtpSent(NackTests.Packet(seq, Local));
        }

        var requests = new List<KeyFrameRequest>();
        h.Session.KeyFrameRequested += (_, r) => requests.Add(r);
        Span<NackPair> pairs = stackalloc NackPair[4];
        int n = NackPair.Pack([3, 5, 6, 19, 40], pairs);
        byte[] nack = new byte[100];
        int nackLength = new GenericNack(Remote, Local, pairs[..n]).Write(nack);
        byte[] compound = [.. Rr(Remote), .. nack.AsSpan(0, nackLength), .. Pli(), .. Fir()];
        Assert.True(h.Session.OnRtcp(compound));
        Assert.Equal(new ushort[] { 3, 5, 6, 19 }, h.Resent.Select(p => (ushort)((p[2] << 8) | p[3])));
        Assert.Equal(NackTests.Packet(5, Local), h.Resent[1]);
        var stats = h.Session.GetStats();
        Assert.Equal(1, stats.NacksReceived);
        Assert.Equal(4, stats.RetransmittedPackets);
        Assert.Equal(1, stats.RetransmissionsMissed);
        Assert.Equal(1, stats.PlisReceived);
        Assert.Equal(1, stats.FirsReceived);
        Assert.Single(requests); // one event per compound
        Assert.Equal(new KeyFrameRequest(Local, true), requests[0]);
    }

    [Fact]
    public void Round_trip_time_comes_from_lsr_and_dlsr()
    {
        var time = new ManualTimeProvider();
        var toB = new List<byte[]>();
        var toA = new List<byte[]>();
        using var a = new RtcpSession(Local, "a", new RtcpSessionOptions { TimeProvider = time }, c => toB.Add(c.ToArray()), _ => { });
        using var b = new RtcpSession(Remote, "b", new RtcpSessionOptions { TimeProvider = time }, c => toA.Add(c.ToArray()), _ => { });
        a.OnRtpSent(NackTests.Packet(1, Local));
        b.OnRtpReceived(NackTests.Packet(1, Local));
        a.SendReport();
        Assert.True(b.OnRtcp(Assert.Single(toB)));
        time.Advance(TimeSpan.FromMilliseconds(300)); // B holds the SR for 300 ms (DLSR)...
        b.SendReport();
        time.Advance(TimeSpan.FromMilliseconds(40)); // ...and the network takes 40 ms in total
        Assert.True(a.OnRtcp(toA[^1]));
        TimeSpan rtt = a.GetStats().RoundTripTime!.Value;
        Assert.InRange(rtt.TotalMilliseconds, 39, 41);
    }

    [Fact]
    public void Bye_and_keyframe_request_compounds_start_with_a_report()
    {
        using var h = new Harness();
        byte[] buffer = new byte[RtcpSession.MaxCompoundSize];
        Assert.Equal(0, h.Session.WriteKeyFrameRequest(buffer)); // no remote SSRC yet
        h.Session.OnRtpReceived(NackTests.Packet(1));
        int n = h.Session.WriteKeyFrameRequest(buffer);
        var parts = Split(buffer[..n]);
        Assert.Equal([RtcpPacketType.ReceiverReport, RtcpPacketType.SourceDescription, RtcpPacketType.PayloadFeedback], parts.Select(p => p.Type));
        Assert.True(PictureLossIndication.TryRead(parts[2].Packet, out var pli));
        Assert.Equal(new PictureLossIndication(Local, Remote), pli);
        Assert.Equal(1, h.Session.GetStats().PlisSent);

        n = h.Session.WriteBye(buffer);
        parts = Split(buffer[..n]);
        Assert.Equal(RtcpPacketType.ReceiverReport, parts[0].Type);
        Assert.Equal(RtcpPacketType.Goodbye, parts[^1].Type);
        Assert.True(Goodbye.TryRead(parts[^1].Packet, out Goodbye bye));
        Assert.Equal(Local, bye.GetSource(0));
    }

    [Fact]
    public void Audio_payload_types_get_no_nack_are_no_pli_target_and_use_their_clock_rate()
    {
        using var h = new Harness();
        h.Session.AddPayloadType(111, 48_000, feedback: false);
        h.Session.AddPayloadType(96, 90_000, feedback: true);
        h.Session.OnRtpReceived(NackTests.Packet(1)); // video (PT 96) from Remote
        foreach (ushort seq in new ushort[] { 1, 5 })
        {
            h.Session.OnRtpReceived(Audio(seq, 0x5678));
        }

        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.DoesNotContain(h.Sent, c => Split(c).Any(p => p.Type == RtcpPacketType.TransportFeedback));
        byte[] buffer = new byte[RtcpSession.MaxCompoundSize];
        int n = h.Session.WriteKeyFrameRequest(buffer);
        Assert.True(PictureLossIndication.TryRead(Split(buffer[..n])[^1].Packet, out var pli));
        Assert.Equal(Remote, pli.MediaSsrc); // the video source, though audio arrived last

        h.Sent.Clear();
        h.Session.OnRtpSent(Audio(1, Local));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var sr = Split(h.Sent.Single(c => Split(c)[0].Type == RtcpPacketType.SenderReport));
        Assert.True(SenderReport.TryRead(sr[0].Packet, out SenderReport report));
        Assert.Equal(1000u + 43_200u, report.RtpTimestamp); // sent at 0.1 s, reported at 1 s: + 0.9 s at 48 kHz
    }

    private static byte[] Audio(ushort seq, uint ssrc)
    {
        var header = new Casto.WebRtc.Rtp.RtpHeader { PayloadType = 111, SequenceNumber = seq, Timestamp = 1000, Ssrc = ssrc };
        byte[] packet = new byte[Casto.WebRtc.Rtp.RtpPacket.GetSize(header, 20)];
        Casto.WebRtc.Rtp.RtpPacket.Write(header, new byte[20], packet);
        return packet;
    }

    [Fact]
    public void Random_and_mutated_rtcp_is_dropped_or_handled_never_thrown()
    {
        using var h = new Harness();
        h.Session.OnRtpSent(NackTests.Packet(1, Local));
        byte[] valid = [.. Rr(Remote), .. Pli(), .. Fir()];
        Prop.ForAll<byte[], int, byte>((bytes, position, value) =>
        {
            bytes ??= [];
            h.Session.OnRtcp(bytes); // OnRtcp must not throw at all
            byte[] mutated = (byte[])valid.Clone();
            mutated[(int)((uint)position % mutated.Length)] = value;
            h.Session.OnRtcp(mutated);
            h.Session.OnRtcp(mutated.AsSpan(0, (int)((uint)position % mutated.Length)));
        }).QuickCheckThrowOnFailure();
        Assert.True(h.Session.GetStats().RtcpDropped > 0);
    }

    private static byte[] Rr(uint ssrc)
    {
        byte[] rr = new byte[8];
        new ReceiverReport { Ssrc = ssrc }.Write(rr);
        return rr;
    }

    private static byte[] Pli()
    {
        byte[] pli = new byte[PictureLossIndication.Size];
        new PictureLossIndication(Remote, Local).Write(pli);
        return pli;
    }

    private static byte[] Fir()
    {
        var fir = new FullIntraRequest(Remote, [new FirEntry(Local, 1)]);
        byte[] bytes = new byte[fir.GetSize()];
        fir.Write(bytes);
        return bytes;
    }
}
