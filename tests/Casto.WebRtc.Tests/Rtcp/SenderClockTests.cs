using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Tests.Nack;

namespace Casto.WebRtc.Tests.Rtcp;

/// <summary>Sender report clocks: the mapping type, reports carrying a given clock, and the peer's clock read back.</summary>
public sealed class SenderClockTests
{
    private const uint Local = 0xAAAA0001;

    [Fact]
    public void Ntp_conversion_and_extrapolation_agree()
    {
        var t0 = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var m = new RtpClockMapping(RtpClockMapping.ToNtp(t0), 4_294_000_000); // wraps within a second at 90 kHz
        Assert.Equal(t0, m.WallClock);
        uint later = m.RtpAt(RtpClockMapping.ToNtp(t0.AddSeconds(2)), 90_000);
        Assert.Equal(unchecked(4_294_000_000u + 180_000u), later);
        Assert.Equal(t0.AddSeconds(2), m.WallClockOf(later, 90_000));
        Assert.Equal(t0.AddMilliseconds(-500), m.WallClockOf(unchecked(m.RtpTimestamp - 45_000), 90_000));
        Assert.Equal(unchecked(m.RtpTimestamp - 24_000), m.RtpAt(RtpClockMapping.ToNtp(t0.AddMilliseconds(-500)), 48_000));
    }

    [Fact]
    public void Reports_carry_the_given_clock_and_fall_back_to_our_own_without_one()
    {
        var time = new ManualTimeProvider();
        var sent = new List<byte[]>();
        using var session = new RtcpSession(Local, "casto-test", new RtcpSessionOptions { TimeProvider = time }, rtcp => sent.Add(rtcp.ToArray()), _ => { });
        session.AddPayloadType(96, 90_000, feedback: true);
        session.Start();
        var source = new RtpClockMapping(RtpClockMapping.ToNtp(time.GetUtcNow().AddSeconds(-10)), 777);
        session.SetSenderClock(96, () => source);

        session.OnRtpSent(NackTests.Packet(1, Local)); // RTP time 3000, now
        time.Advance(TimeSpan.FromSeconds(1));
        SenderReport sr = LastSenderReport(sent);
        Assert.Equal(source.RtpAt(sr.NtpTimestamp, 90_000), sr.RtpTimestamp); // 11 s after the source's 777
        Assert.Equal(unchecked(777u + (11 * 90_000)), sr.RtpTimestamp);

        session.SetSenderClock(96, () => null); // no source clock yet: our own (last sent + elapsed)
        session.OnRtpSent(NackTests.Packet(2, Local)); // RTP time 6000
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(6000u + 90_000u, LastSenderReport(sent).RtpTimestamp);
    }

    [Fact]
    public void The_peers_latest_report_is_its_clock()
    {
        var time = new ManualTimeProvider();
        using var session = new RtcpSession(Local, "casto-test", new RtcpSessionOptions { TimeProvider = time }, _ => { }, _ => { });
        Assert.Null(session.GetRemoteClock(0x1234));
        session.OnRtpReceived(NackTests.Packet(1));
        var buffer = new byte[256];
        int length = new SenderReport { Ssrc = 0x1234, NtpTimestamp = 0x1234_5678_9ABC_DEF0, RtpTimestamp = 42, Reports = ReportBlocks.FromReports([]) }.Write(buffer);
        session.OnRtcp(buffer.AsSpan(0, length));
        Assert.Equal(new RtpClockMapping(0x1234_5678_9ABC_DEF0, 42), session.GetRemoteClock(0x1234));
    }

    private static SenderReport LastSenderReport(List<byte[]> sent)
    {
        foreach (byte[] compound in Enumerable.Reverse(sent))
        {
            foreach (RtcpPacket p in new RtcpCompoundReader(compound))
            {
                if (SenderReport.TryRead(p.Packet, out SenderReport sr))
                {
                    return sr;
                }
            }
        }

        throw new InvalidOperationException("no sender report sent");
    }
}
