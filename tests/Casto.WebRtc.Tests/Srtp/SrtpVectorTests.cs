using Casto.WebRtc.Srtp;
using static Casto.WebRtc.Tests.Srtp.SrtpTestData;

namespace Casto.WebRtc.Tests.Srtp;

/// <summary>Known-answer tests: RFC 3711 Appendix B, RFC 7714 §16–17, and pion/srtp's packet vectors.</summary>
public sealed class SrtpVectorTests
{
    [Fact]
    public void AesCmKeystream_Rfc3711AppendixB2()
    {
        // RFC 3711 B.2: session key, 112-bit session salt, SSRC 0, index 0; first three keystream blocks.
        using var keystream = new AesCmKeystream(Hex("2B7E151628AED2A6ABF7158809CF4F3C"), Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"));
        var output = new byte[48];
        keystream.Apply(0, 0, new byte[48], output);
        Assert.Equal(
            Hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0"),
            output);
    }

    [Fact]
    public void KeyDerivation_Rfc3711AppendixB3()
    {
        byte[] masterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");
        var key = new byte[16];
        var salt = new byte[14];
        var auth = new byte[20];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpEncryption, key);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpSalt, salt);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpAuthentication, auth);
        Assert.Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"), key);
        Assert.Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"), salt);
        Assert.Equal(Hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"), auth);
    }

    // RFC 7714 §16.1 / §17.1: AEAD_AES_128_GCM with the session key and salt given directly.
    private static readonly byte[] GcmKey = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmSalt = Hex("517569642070726f2071756f");
    private static readonly byte[] Rfc7714Rtp = Hex(
        "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573");
    private static readonly byte[] Rfc7714Srtp = Hex(
        "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b" +
        "36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce");
    private static readonly byte[] Rfc7714Rtcp = Hex(
        "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef");
    private static readonly byte[] Rfc7714Srtcp = Hex(
        "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46" +
        "86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4");
    private static readonly byte[] Rfc7714SrtcpUnencrypted = Hex(
        "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef" +
        "841dd968 3dd78ec9 2ae58790 125f62b3 000005d4");

    private static SrtpContext Rfc7714Context() =>
        new(SrtpProfile.AeadAes128Gcm, new AesGcmCipher(GcmKey, GcmSalt, GcmKey, GcmSalt), null);

    [Fact]
    public void AeadAes128Gcm_Rfc7714Section16_Srtp()
    {
        using SrtpContext sender = Rfc7714Context();
        Assert.Equal(Rfc7714Srtp, Protect(sender, Rfc7714Rtp));
        using SrtpContext receiver = Rfc7714Context();
        Assert.Equal(Rfc7714Rtp, Unprotect(receiver, Rfc7714Srtp));
    }

    [Fact]
    public void AeadAes128Gcm_Rfc7714Section17_Srtcp()
    {
        using SrtpContext sender = Rfc7714Context();
        sender.SetRtcpIndex(0x4d617273, 0x5d3);
        Assert.Equal(Rfc7714Srtcp, ProtectRtcp(sender, Rfc7714Rtcp));
        using SrtpContext receiver = Rfc7714Context();
        Assert.Equal(Rfc7714Rtcp, UnprotectRtcp(receiver, Rfc7714Srtcp));
    }

    [Fact]
    public void AeadAes128Gcm_Rfc7714Section17_SrtcpWithoutEncryption()
    {
        using SrtpContext sender = Rfc7714Context();
        sender.SetRtcpIndex(0x4d617273, 0x5d3);
        Assert.Equal(Rfc7714SrtcpUnencrypted, ProtectRtcp(sender, Rfc7714Rtcp, encrypt: false));
        using SrtpContext receiver = Rfc7714Context();
        Assert.Equal(Rfc7714Rtcp, UnprotectRtcp(receiver, Rfc7714SrtcpUnencrypted));
    }

    // pion/srtp srtp_cipher_test.go (TestSrtpCipher, Aug 2026): master key 00..0f, master salt a0..ad (a0..ab for GCM),
    // SSRC 0xcafebabe, sequence 0x1234, first packet; SRTCP index 1. Re-typed from the Go byte slices.
    private static readonly byte[] PionRtp = Hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
    private static readonly byte[] PionRtcp = Hex("81c8000b cafebabe abababab abababab abababab abababab");

    public static TheoryData<int, string, string> PionVectors => new()
    {
        {
            (int)SrtpProfile.Aes128CmHmacSha1_80,
            "800f1234 decafbad cafebabe e2d8df8f 7a75d688 c3502eee c2a98066 cd7c0d09 ca4432a5 6e3d",
            "81c8000b cafebabe 5674bf01 813dc062 ac1df6f7 5f77c688 80000001 3db7a198 37ff64e5 cbd2"
        },
        {
            (int)SrtpProfile.Aes128CmHmacSha1_32,
            "800f1234 decafbad cafebabe e2d8df8f 7a75d688 c3502eee c2a98066 cd7c0d09",
            "81c8000b cafebabe 5674bf01 813dc062 ac1df6f7 5f77c688 80000001 3db7a198 37ff64e5 cbd2"
        },
        {
            (int)SrtpProfile.AeadAes128Gcm,
            "800f1234 decafbad cafebabe c5002ede 04cfdd2e b91159e0 880aa06e d2976826 f796b201 df3131a1 27e8a392",
            "81c8000b cafebabe c98b8b5d f0392a55 852b6c21 ac8e7025 c52c6fbe a2b3b446 ea31123b a88ce61e 80000001"
        },
    };

    private static SrtpContext PionContext(SrtpProfile profile) => SrtpContext.Create(
        profile,
        Hex("000102030405060708090a0b0c0d0e0f"),
        Hex("a0a1a2a3a4a5a6a7a8a9aaabacad").AsSpan(0, profile.SaltLength()));

    [Theory]
    [MemberData(nameof(PionVectors))]
    public void PionKnownAnswer(int profileId, string srtp, string srtcp)
    {
        var profile = (SrtpProfile)profileId;
        using (SrtpContext sender = PionContext(profile))
        {
            Assert.Equal(Hex(srtp), Protect(sender, PionRtp));
            Assert.Equal(Hex(srtcp), ProtectRtcp(sender, PionRtcp));
        }

        using SrtpContext receiver = PionContext(profile);
        Assert.Equal(PionRtp, Unprotect(receiver, Hex(srtp)));
        Assert.Equal(PionRtcp, UnprotectRtcp(receiver, Hex(srtcp)));
    }

    [Fact]
    public void PionKnownAnswer_AesCmSrtcpWithoutEncryption()
    {
        byte[] expected = Hex("81c8000b cafebabe abababab abababab abababab abababab 00000001 d2a2362d 011b8cfc 0ac9");
        using SrtpContext sender = PionContext(SrtpProfile.Aes128CmHmacSha1_80);
        Assert.Equal(expected, ProtectRtcp(sender, PionRtcp, encrypt: false));
        using SrtpContext receiver = PionContext(SrtpProfile.Aes128CmHmacSha1_80);
        Assert.Equal(PionRtcp, UnprotectRtcp(receiver, expected));
    }
}
