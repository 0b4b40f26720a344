namespace Casto.WebRtc.Srtp;

/// <summary>
/// SRTP protection profiles, numbered as in the DTLS <c>use_srtp</c> extension
/// (RFC 5764 §4.1.2, RFC 7714 §14.2).
/// </summary>
internal enum SrtpProfile
{
    /// <summary>AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 3711); the WebRTC baseline.</summary>
    Aes128CmHmacSha1_80 = 0x0001,

    /// <summary>As <see cref="Aes128CmHmacSha1_80"/> with a 32-bit SRTP tag; SRTCP keeps its 80-bit tag (RFC 5764 §4.1.2).</summary>
    Aes128CmHmacSha1_32 = 0x0002,

    /// <summary>AEAD AES-128-GCM with a 128-bit tag (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,
}

/// <summary>Key, salt and tag lengths of each <see cref="SrtpProfile"/>.</summary>
internal static class SrtpProfileExtensions
{
    /// <summary>Master (and session) encryption key length in bytes.</summary>
    public static int KeyLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 or SrtpProfile.Aes128CmHmacSha1_32 or SrtpProfile.AeadAes128Gcm => 16,
        _ => throw Unknown(profile),
    };

    /// <summary>Master (and session) salt length in bytes: 112 bits for AES-CM, 96 bits for GCM.</summary>
    public static int SaltLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 or SrtpProfile.Aes128CmHmacSha1_32 => 14,
        SrtpProfile.AeadAes128Gcm => 12,
        _ => throw Unknown(profile),
    };

    /// <summary>Bytes appended to an RTP packet by SRTP (the authentication tag).</summary>
    public static int RtpTagLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 => 10,
        SrtpProfile.Aes128CmHmacSha1_32 => 4,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw Unknown(profile),
    };

    /// <summary>SRTCP authentication tag length in bytes (80 bits for both HMAC-SHA1 profiles).</summary>
    public static int RtcpTagLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 or SrtpProfile.Aes128CmHmacSha1_32 => 10,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw Unknown(profile),
    };

    /// <summary>Keying material to export from DTLS for this profile: 2 × (key + salt) (RFC 5764 §4.2).</summary>
    public static int KeyingMaterialLength(this SrtpProfile profile) => 2 * (profile.KeyLength() + profile.SaltLength());

    /// <summary>Whether this is one of the AES-CM + HMAC-SHA1 profiles of RFC 3711.</summary>
    public static bool IsAesCm(this SrtpProfile profile) =>
        profile is SrtpProfile.Aes128CmHmacSha1_80 or SrtpProfile.Aes128CmHmacSha1_32;

    private static ArgumentOutOfRangeException Unknown(SrtpProfile profile) =>
        new(nameof(profile), profile, "Unsupported SRTP protection profile.");
}
