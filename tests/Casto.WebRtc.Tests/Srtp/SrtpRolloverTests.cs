using Casto.WebRtc.Srtp;
using static Casto.WebRtc.Tests.Srtp.SrtpTestData;

namespace Casto.WebRtc.Tests.Srtp;

/// <summary>
/// Roll-over counter, replay windows and per-SSRC state; each test names the SIPSorcery bug it guards against
/// (webrtc-pitfalls.md §3).
/// </summary>
public sealed class SrtpRolloverTests
{
    private static ushort Seq(int n) => (ushort)(n & 0xFFFF);

    [Theory]
    [MemberData(nameof(AllProfiles), MemberType = typeof(SrtpTestData))]
    public void SequenceWrap_AdvancesRocOnBothSides(int profileId)
    {
        // SIPSorcery #1499 (receive ROC never advanced) and #1724 (decrypt failure on wrap).
        (SrtpContext sender, SrtpContext receiver) = Pair((SrtpProfile)profileId);
        for (int n = 65000; n < (3 * 65536) + 500; n += 7)
        {
            byte[] rtp = RtpPacketBytes(0xABCD, Seq(n), 50, seed: (byte)n);
            Assert.Equal(rtp, Unprotect(receiver, Protect(sender, rtp)));
        }

        Assert.Equal(new SrtpDropCounters(0, 0, 0, 0), receiver.Drops);

        // Three wraps happened: a receiver that assumed ROC 3 from the start decrypts the next packet.
        (SrtpContext fresh, _) = Pair((SrtpProfile)profileId);
        fresh.SetRoc(0xABCD, 3, outbound: false);
        byte[] next = Protect(sender, RtpPacketBytes(0xABCD, 600, 10));
        Assert.NotNull(Unprotect(fresh, next));
    }

    [Theory]
    [MemberData(nameof(AllProfiles), MemberType = typeof(SrtpTestData))]
    public void OutOfOrderAroundWrap_IsDecrypted(int profileId)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair((SrtpProfile)profileId);
        int[] order = [65530, 65531, 65533, 0, 65532, 2, 65534, 1, 65535, 3, 5, 4];
        var packets = new Dictionary<int, byte[]>();
        foreach (int n in (int[])[65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5])
        {
            packets[n] = Protect(sender, RtpPacketBytes(5, Seq(n), 20, seed: (byte)n));
        }

        foreach (int n in order)
        {
            Assert.Equal(RtpPacketBytes(5, Seq(n), 20, seed: (byte)n), Unprotect(receiver, packets[n]));
        }

        // Late packet from before the wrap after the receiver moved into ROC 1, and retransmission by the sender.
        Assert.Null(Unprotect(receiver, packets[65533]));
        Assert.Equal(1, receiver.Drops.Replayed);
        Assert.Equal(packets[65534], Protect(sender, RtpPacketBytes(5, 65534, 20, seed: unchecked((byte)65534))));
    }

    [Theory]
    [MemberData(nameof(AllProfiles), MemberType = typeof(SrtpTestData))]
    public void ReplayedAndTooOldPackets_AreDropped(int profileId)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair((SrtpProfile)profileId, new SrtpOptions { ReplayWindowSize = 128 });
        var sent = new List<byte[]>();
        for (int n = 0; n < 300; n++)
        {
            sent.Add(Protect(sender, RtpPacketBytes(1, Seq(n), 10)));
        }

        Assert.NotNull(Unprotect(receiver, sent[299]));
        Assert.Null(Unprotect(receiver, sent[299]));
        Assert.NotNull(Unprotect(receiver, sent[299 - 127]));
        Assert.Null(Unprotect(receiver, sent[299 - 127]));
        Assert.Null(Unprotect(receiver, sent[299 - 128]));
        Assert.Equal(3, receiver.Drops.Replayed);

        byte[] srtcp = ProtectRtcp(sender, RtcpPacketBytes(1));
        Assert.NotNull(UnprotectRtcp(receiver, srtcp));
        Assert.Null(UnprotectRtcp(receiver, srtcp));
        Assert.Equal(4, receiver.Drops.Replayed);
    }

    [Theory]
    [MemberData(nameof(AllProfiles), MemberType = typeof(SrtpTestData))]
    public void ForgedPacketsAcrossTheWrap_DoNotPoisonRoc(int profileId)
    {
        // SIPSorcery #1662: an unauthenticated packet moved the ROC, and every later packet failed.
        (SrtpContext sender, SrtpContext receiver) = Pair((SrtpProfile)profileId);
        (SrtpContext forger, _) = Pair((SrtpProfile)profileId);
        Assert.NotNull(Unprotect(receiver, Protect(sender, RtpPacketBytes(8, 40000, 20))));
        for (int seq = 0; seq < 65536; seq += 4096)
        {
            byte[] forged = Protect(forger, RtpPacketBytes(8, (ushort)seq, 20));
            forged[^1] ^= 0xFF;
            Assert.Null(Unprotect(receiver, forged));
        }

        byte[] later = Protect(sender, RtpPacketBytes(8, 40001, 20));
        Assert.NotNull(Unprotect(receiver, later));
        // Forgeries older than the replay window are dropped before authentication; the rest fail it.
        Assert.Equal(16, receiver.Drops.AuthenticationFailed + receiver.Drops.Replayed);
        Assert.Equal(8, receiver.Drops.AuthenticationFailed);
    }

    [Theory]
    [MemberData(nameof(AllProfiles), MemberType = typeof(SrtpTestData))]
    public void EachSsrc_HasItsOwnRocAndWindow(int profileId)
    {
        // SIPSorcery #1584: one send ROC for all SSRCs.
        (SrtpContext sender, SrtpContext receiver) = Pair((SrtpProfile)profileId);
        for (int n = 65530; n < 65546; n++)
        {
            byte[] audio = RtpPacketBytes(0xA0D10, Seq(n), 20);
            Assert.Equal(audio, Unprotect(receiver, Protect(sender, audio)));
        }

        // A second SSRC starting at 65530 now is in ROC 0, not the first SSRC's ROC 1.
        (SrtpContext reference, _) = Pair((SrtpProfile)profileId);
        byte[] video = RtpPacketBytes(0x71DE0, 65530, 20);
        byte[] fromSender = Protect(sender, video);
        Assert.Equal(Protect(reference, video), fromSender);
        Assert.Equal(video, Unprotect(receiver, fromSender));

        // Same sequence number on another SSRC is not a replay.
        byte[] third = RtpPacketBytes(0x3333, 65535, 20);
        Assert.NotNull(Unprotect(receiver, Protect(sender, third)));
        Assert.Equal(0, receiver.Drops.Total);
    }

    [Fact]
    public void SsrcLimit_DropsAndCounts_OrThrowsOnSend()
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(SrtpProfile.Aes128CmHmacSha1_80, new SrtpOptions { MaxSsrcs = 2 });
        (SrtpContext wideSender, _) = Pair(SrtpProfile.Aes128CmHmacSha1_80);
        Assert.NotNull(Unprotect(receiver, Protect(wideSender, RtpPacketBytes(1, 1, 10))));
        Assert.NotNull(Unprotect(receiver, Protect(wideSender, RtpPacketBytes(2, 1, 10))));
        Assert.Null(Unprotect(receiver, Protect(wideSender, RtpPacketBytes(3, 1, 10))));
        Assert.Null(UnprotectRtcp(receiver, ProtectRtcp(wideSender, RtcpPacketBytes(3))));
        Assert.NotNull(Unprotect(receiver, Protect(wideSender, RtpPacketBytes(1, 2, 10))));
        Assert.Equal(new SrtpDropCounters(0, 0, 0, 2), receiver.Drops);

        Protect(sender, RtpPacketBytes(1, 1, 10));
        Protect(sender, RtpPacketBytes(2, 1, 10));
        Assert.Equal(SrtpError.SsrcLimit, Assert.Throws<SrtpException>(() => Protect(sender, RtpPacketBytes(3, 1, 10))).Error);
    }

    [Fact]
    public void SrtcpIndex_StartsAtOne_SetsEFlag_AndIsPerSsrc()
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(SrtpProfile.Aes128CmHmacSha1_80);
        static uint Trailer(byte[] srtcp) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(srtcp.AsSpan(srtcp.Length - 14));
        Assert.Equal(0x8000_0001u, Trailer(ProtectRtcp(sender, RtcpPacketBytes(1))));
        Assert.Equal(0x8000_0002u, Trailer(ProtectRtcp(sender, RtcpPacketBytes(1))));
        Assert.Equal(0x8000_0001u, Trailer(ProtectRtcp(sender, RtcpPacketBytes(2))));
        Assert.Equal(0x0000_0003u, Trailer(ProtectRtcp(sender, RtcpPacketBytes(1), encrypt: false)));

        // Out-of-order SRTCP within the window is accepted; the E flag is authenticated.
        byte[] a = ProtectRtcp(sender, RtcpPacketBytes(1, 1));
        byte[] b = ProtectRtcp(sender, RtcpPacketBytes(1, 2));
        Assert.Equal(RtcpPacketBytes(1, 2), UnprotectRtcp(receiver, b));
        Assert.Equal(RtcpPacketBytes(1, 1), UnprotectRtcp(receiver, a));
        byte[] c = ProtectRtcp(sender, RtcpPacketBytes(1, 3));
        c[^14] ^= 0x80;
        Assert.Null(UnprotectRtcp(receiver, c));
        Assert.Equal(1, receiver.Drops.AuthenticationFailed);

        sender.SetRtcpIndex(9, 0x7FFF_FFFE);
        Assert.Equal(0xFFFF_FFFFu, Trailer(ProtectRtcp(sender, RtcpPacketBytes(9))));
        Assert.Equal(SrtpError.KeyExhausted, Assert.Throws<SrtpException>(() => ProtectRtcp(sender, RtcpPacketBytes(9))).Error);
    }

    [Fact]
    public void RocExhaustion_ThrowsOnSend()
    {
        (SrtpContext sender, _) = Pair(SrtpProfile.AeadAes128Gcm);
        sender.SetRoc(4, uint.MaxValue, outbound: true);
        Protect(sender, RtpPacketBytes(4, 65535, 10));
        Assert.Equal(SrtpError.KeyExhausted, Assert.Throws<SrtpException>(() => Protect(sender, RtpPacketBytes(4, 0, 10))).Error);
    }

    [Fact]
    public void ConcurrentUse_IsDetected()
    {
        (SrtpContext sender, _) = Pair(SrtpProfile.Aes128CmHmacSha1_80);
        byte[] rtp = RtpPacketBytes(1, 1, 1200);
        int detected = 0;
        Parallel.For(0, 4, worker =>
        {
            var output = new byte[1300];
            for (int i = 0; i < 500_000 && Volatile.Read(ref detected) == 0; i++)
            {
                try
                {
                    sender.Protect(rtp, output);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Exchange(ref detected, 1);
                }
            }
        });
        Assert.Equal(1, detected);
    }
}
