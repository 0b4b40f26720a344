using Casto.WebRtc.Srtp;
using static Casto.WebRtc.Tests.Srtp.SrtpTestData;

namespace Casto.WebRtc.Tests.Srtp;

/// <summary>Round trips, tampering, random input and API contracts of <see cref="SrtpContext"/>.</summary>
public sealed class SrtpRoundTripTests
{
    [Fact]
    public void RoundTrip_Property_AllProfiles()
    {
        foreach (SrtpProfile profile in Profiles)
        {
            (SrtpContext sender, SrtpContext receiver) = Pair(profile);
            using (sender)
            using (receiver)
            {
                // Each case uses a fresh SSRC, so any sequence number is a first packet.
                uint nextSsrc = 1;
                Prop.ForAll<ushort, byte[], byte>((seq, payload, shape) =>
                {
                    byte[] rtp = RtpPacketBytes(nextSsrc++, seq, 0, csrcs: shape & 3, extension: (shape & 4) != 0);
                    rtp = [.. rtp, .. payload ?? []];
                    byte[] srtp = Protect(sender, rtp);
                    Assert.Equal(rtp.Length + sender.RtpOverhead, srtp.Length);
                    Assert.Equal(Unprotect(receiver, srtp), rtp);
                }).QuickCheckThrowOnFailure();
            }
        }
    }

    [Fact]
    public void RtcpRoundTrip_Property_AllProfiles()
    {
        foreach (SrtpProfile profile in Profiles)
        {
            (SrtpContext sender, SrtpContext receiver) = Pair(profile);
            using (sender)
            using (receiver)
            {
                Prop.ForAll<uint, byte[], bool>((ssrc, body, encrypt) =>
                {
                    byte[] rtcp = [.. RtcpPacketBytes(ssrc), .. body ?? []];
                    byte[] srtcp = ProtectRtcp(sender, rtcp, encrypt);
                    Assert.Equal(rtcp.Length + sender.RtcpOverhead, srtcp.Length);
                    Assert.Equal(UnprotectRtcp(receiver, srtcp), rtcp);
                }).QuickCheckThrowOnFailure();
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllProfiles), MemberType = typeof(SrtpTestData))]
    public void InPlace_MatchesCopying(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        (SrtpContext a, SrtpContext b) = Pair(profile);
        (SrtpContext receiver, SrtpContext rtcpReceiver) = Pair(profile);
        byte[] rtp = RtpPacketBytes(7, 100, 1200, csrcs: 2, extension: true);
        byte[] expected = Protect(a, rtp);

        var buffer = new byte[1500];
        rtp.CopyTo(buffer, 0);
        int length = b.ProtectInPlace(buffer, rtp.Length);
        Assert.Equal(expected, buffer[..length]);
        Assert.True(receiver.TryUnprotectInPlace(buffer, length, out int rtpLength));
        Assert.Equal(rtp, buffer[..rtpLength]);

        byte[] rtcp = RtcpPacketBytes(7);
        rtcp.CopyTo(buffer, 0);
        length = b.ProtectRtcpInPlace(buffer, rtcp.Length);
        Assert.True(rtcpReceiver.TryUnprotectRtcpInPlace(buffer, length, out int rtcpLength));
        Assert.Equal(rtcp, buffer[..rtcpLength]);
    }

    [Theory]
    [MemberData(nameof(AllProfiles), MemberType = typeof(SrtpTestData))]
    public void EveryTamperedByte_IsRejected(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        byte[] srtp = Protect(sender, RtpPacketBytes(9, 1, 40, extension: true));
        byte[] srtcp = ProtectRtcp(sender, RtcpPacketBytes(9));
        for (int i = 0; i < srtp.Length; i++)
        {
            byte[] copy = (byte[])srtp.Clone();
            copy[i] ^= 0x01;
            Assert.Null(Unprotect(receiver, copy));
        }

        for (int i = 0; i < srtcp.Length; i++)
        {
            byte[] copy = (byte[])srtcp.Clone();
            copy[i] ^= 0x80;
            Assert.Null(UnprotectRtcp(receiver, copy));
        }

        Assert.Equal(0, receiver.Drops.Replayed);
        Assert.True(receiver.Drops.AuthenticationFailed + receiver.Drops.Malformed == srtp.Length + srtcp.Length);

        // The untouched packets still pass: failed attempts changed no state.
        Assert.NotNull(Unprotect(receiver, srtp));
        Assert.NotNull(UnprotectRtcp(receiver, srtcp));
    }

    [Fact]
    public void RandomBytes_AreDroppedNeverThrown()
    {
        foreach (SrtpProfile profile in Profiles)
        {
            using var receiver = SrtpContext.Create(profile, MasterKey(profile), MasterSalt(profile));
            Prop.ForAll<byte[], bool>((bytes, makeRtpLike) =>
            {
                if (makeRtpLike && bytes.Length > 0)
                {
                    bytes[0] = (byte)(0x80 | (bytes[0] & 0x3F));
                }

                var output = new byte[bytes.Length];
                Assert.False(receiver.TryUnprotect(bytes, output, out int written));
                Assert.Equal(0, written);
                Assert.False(receiver.TryUnprotectRtcp(bytes, output, out written));
            }).QuickCheckThrowOnFailure();
            Assert.True(receiver.Drops.Total > 0);
            Assert.Equal(0, receiver.Drops.Replayed);
        }
    }

    [Fact]
    public void ShortAndWrongVersionPackets_CountAsMalformed()
    {
        using var receiver = SrtpContext.Create(SrtpProfile.Aes128CmHmacSha1_80, MasterKey(SrtpProfile.Aes128CmHmacSha1_80), MasterSalt(SrtpProfile.Aes128CmHmacSha1_80));
        byte[] tooShort = RtpPacketBytes(1, 1, 0)[..12];
        Assert.Null(Unprotect(receiver, tooShort));
        byte[] version1 = RtpPacketBytes(1, 1, 20);
        version1[0] = 0x40;
        Assert.Null(Unprotect(receiver, version1));
        byte[] extensionPastEnd = RtpPacketBytes(1, 1, 20, extension: true);
        extensionPastEnd[15] = 0xFF;
        Assert.Null(Unprotect(receiver, extensionPastEnd));
        Assert.Null(UnprotectRtcp(receiver, new byte[21]));
        Assert.Equal(new SrtpDropCounters(4, 0, 0, 0), receiver.Drops);
    }

    [Fact]
    public void ProgrammerErrors_Throw()
    {
        SrtpProfile profile = SrtpProfile.Aes128CmHmacSha1_80;
        Assert.Throws<ArgumentException>(() => SrtpContext.Create(profile, new byte[15], MasterSalt(profile)));
        Assert.Throws<ArgumentException>(() => SrtpContext.Create(profile, MasterKey(profile), new byte[12]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SrtpContext.Create(profile, MasterKey(profile), MasterSalt(profile), new SrtpOptions { ReplayWindowSize = 10 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SrtpContext.Create(profile, MasterKey(profile), MasterSalt(profile), new SrtpOptions { MaxSsrcs = 0 }));

        using var context = SrtpContext.Create(profile, MasterKey(profile), MasterSalt(profile));
        byte[] rtp = RtpPacketBytes(1, 1, 20);
        Assert.Throws<ArgumentException>(() => context.Protect(rtp, new byte[rtp.Length]));
        Assert.Equal(SrtpError.InvalidPacket, Assert.Throws<SrtpException>(() => context.Protect(new byte[5], new byte[100])).Error);
        Assert.Equal(SrtpError.InvalidPacket, Assert.Throws<SrtpException>(() => context.ProtectRtcp(new byte[4], new byte[100])).Error);
        var shared = new byte[100];
        rtp.CopyTo(shared, 0);
        Assert.Throws<ArgumentException>(() => context.Protect(shared.AsSpan(0, rtp.Length), shared.AsSpan(4)));
        context.Dispose();
        Assert.Throws<ObjectDisposedException>(() => context.Protect(rtp, new byte[100]));
    }

    [Fact]
    public void CreateContexts_SplitsDtlsKeyingMaterial()
    {
        foreach (SrtpProfile profile in Profiles)
        {
            byte[] material = [.. Enumerable.Range(0, profile.KeyingMaterialLength()).Select(i => (byte)i)];
            (SrtpContext clientOut, SrtpContext clientIn) = SrtpKeyingMaterial.CreateContexts(profile, material, isClient: true);
            (SrtpContext serverOut, SrtpContext serverIn) = SrtpKeyingMaterial.CreateContexts(profile, material, isClient: false);
            byte[] rtp = RtpPacketBytes(3, 3, 30);
            Assert.Equal(rtp, Unprotect(serverIn, Protect(clientOut, rtp)));
            Assert.Equal(rtp, Unprotect(clientIn, Protect(serverOut, rtp)));
            Assert.Null(Unprotect(clientIn, Protect(clientOut, RtpPacketBytes(4, 3, 30))));
        }
    }
}
