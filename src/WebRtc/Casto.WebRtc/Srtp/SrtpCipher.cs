namespace Casto.WebRtc.Srtp;

/// <summary>
/// The transform of one protection profile, holding the six session keys of a context. Callers have
/// validated lengths: every span here is large enough, and source/destination are either the same memory or
/// disjoint. Not thread-safe (cipher instances and scratch buffers are reused per packet).
/// </summary>
internal abstract class SrtpCipher : IDisposable
{
    /// <summary>Bytes added after an RTP packet.</summary>
    public abstract int RtpTagLength { get; }

    /// <summary>Bytes added after an RTCP packet besides the 4-byte E-flag/index word.</summary>
    public abstract int RtcpTagLength { get; }

    /// <summary>
    /// Offset of the E-flag/SRTCP index word in an SRTCP packet of <paramref name="srtcpLength"/> bytes: before
    /// the tag for RFC 3711, after it for RFC 7714.
    /// </summary>
    public virtual int RtcpTrailerOffset(int srtcpLength) => srtcpLength - RtcpTagLength - 4;

    /// <summary>Writes the SRTP packet (<paramref name="rtp"/>.Length + <see cref="RtpTagLength"/> bytes) to <paramref name="destination"/>.</summary>
    public abstract void EncryptRtp(ReadOnlySpan<byte> rtp, Span<byte> destination, int headerLength, uint ssrc, uint roc);

    /// <summary>
    /// Authenticates <paramref name="srtp"/> and, only if the tag matches, writes the RTP packet
    /// (<paramref name="srtp"/>.Length − <see cref="RtpTagLength"/> bytes) to <paramref name="destination"/>.
    /// </summary>
    public abstract bool DecryptRtp(ReadOnlySpan<byte> srtp, Span<byte> destination, int headerLength, uint ssrc, uint roc);

    /// <summary>Writes the SRTCP packet (length + 4 + <see cref="RtcpTagLength"/>) with SRTCP index <paramref name="index"/>.</summary>
    public abstract void EncryptRtcp(ReadOnlySpan<byte> rtcp, Span<byte> destination, uint ssrc, uint index, bool encrypt);

    /// <summary>Authenticates <paramref name="srtcp"/> and, only if the tag matches, writes the RTCP packet.</summary>
    public abstract bool DecryptRtcp(ReadOnlySpan<byte> srtcp, Span<byte> destination, uint ssrc, uint index, bool encrypted);

    /// <summary>Releases the cipher instances.</summary>
    public abstract void Dispose();

    /// <summary>Creates the cipher of <paramref name="profile"/> from a master key and salt (RFC 3711 §4.3).</summary>
    public static SrtpCipher Create(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        int keyLength = profile.KeyLength();
        int saltLength = profile.SaltLength();
        Span<byte> keys = stackalloc byte[2 * (16 + 14 + 20)];
        Span<byte> rtpKey = keys[..keyLength];
        Span<byte> rtpSalt = keys.Slice(16, saltLength);
        Span<byte> rtpAuth = keys.Slice(30, 20);
        Span<byte> rtcpKey = keys.Slice(50, keyLength);
        Span<byte> rtcpSalt = keys.Slice(66, saltLength);
        Span<byte> rtcpAuth = keys.Slice(80, 20);
        try
        {
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpEncryption, rtpKey);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpSalt, rtpSalt);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtcpEncryption, rtcpKey);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtcpSalt, rtcpSalt);
            if (!profile.IsAesCm())
            {
                return new AesGcmCipher(rtpKey, rtpSalt, rtcpKey, rtcpSalt);
            }

            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpAuthentication, rtpAuth);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtcpAuthentication, rtcpAuth);
            return new AesCmHmacSha1Cipher(profile.RtpTagLength(), rtpKey, rtpSalt, rtpAuth, rtcpKey, rtcpSalt, rtcpAuth);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(keys);
        }
    }
}
