using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Casto.WebRtc.Srtp;

/// <summary>
/// AES_CM_128_HMAC_SHA1_80 / _32 (RFC 3711 §4.1.1, §4.2.1): AES-CM encryption of the payload, then an
/// HMAC-SHA1 tag over the encrypted packet and the ROC (SRTP) or the E-flag/index word (SRTCP).
/// </summary>
internal sealed class AesCmHmacSha1Cipher : SrtpCipher
{
    private const int SrtcpTagLength = 10;

    private readonly int _rtpTagLength;
    private readonly AesCmKeystream _rtpKeystream;
    private readonly AesCmKeystream _rtcpKeystream;
    private readonly IncrementalHash _rtpHmac;
    private readonly IncrementalHash _rtcpHmac;

    public AesCmHmacSha1Cipher(
        int rtpTagLength,
        ReadOnlySpan<byte> rtpKey, ReadOnlySpan<byte> rtpSalt, ReadOnlySpan<byte> rtpAuthKey,
        ReadOnlySpan<byte> rtcpKey, ReadOnlySpan<byte> rtcpSalt, ReadOnlySpan<byte> rtcpAuthKey)
    {
        _rtpTagLength = rtpTagLength;
        _rtpKeystream = new AesCmKeystream(rtpKey, rtpSalt);
        _rtcpKeystream = new AesCmKeystream(rtcpKey, rtcpSalt);
        _rtpHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtpAuthKey);
        _rtcpHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtcpAuthKey);
    }

    public override int RtpTagLength => _rtpTagLength;

    public override int RtcpTagLength => SrtcpTagLength;

    public override void EncryptRtp(ReadOnlySpan<byte> rtp, Span<byte> destination, int headerLength, uint ssrc, uint roc)
    {
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(rtp[2..]);
        rtp[..headerLength].CopyTo(destination);
        _rtpKeystream.Apply(ssrc, Index(roc, seq), rtp[headerLength..], destination[headerLength..rtp.Length]);

        // Authenticated portion || ROC (RFC 3711 §4.2): the ROC is never sent, only authenticated.
        Span<byte> mac = stackalloc byte[20];
        Authenticate(_rtpHmac, destination[..rtp.Length], roc, mac);
        mac[.._rtpTagLength].CopyTo(destination[rtp.Length..]);
    }

    public override bool DecryptRtp(ReadOnlySpan<byte> srtp, Span<byte> destination, int headerLength, uint ssrc, uint roc)
    {
        int length = srtp.Length - _rtpTagLength;
        Span<byte> mac = stackalloc byte[20];
        Authenticate(_rtpHmac, srtp[..length], roc, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[.._rtpTagLength], srtp[length..]))
        {
            return false;
        }

        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(srtp[2..]);
        srtp[..headerLength].CopyTo(destination);
        _rtpKeystream.Apply(ssrc, Index(roc, seq), srtp[headerLength..length], destination[headerLength..length]);
        return true;
    }

    public override void EncryptRtcp(ReadOnlySpan<byte> rtcp, Span<byte> destination, uint ssrc, uint index, bool encrypt)
    {
        if (encrypt)
        {
            rtcp[..8].CopyTo(destination);
            _rtcpKeystream.Apply(ssrc, index, rtcp[8..], destination[8..rtcp.Length]);
        }
        else
        {
            rtcp.CopyTo(destination);
        }

        // E || SRTCP index follows the packet and is authenticated with it (RFC 3711 §3.4).
        BinaryPrimitives.WriteUInt32BigEndian(destination[rtcp.Length..], encrypt ? index | 0x8000_0000u : index);
        int authenticated = rtcp.Length + 4;
        Span<byte> mac = stackalloc byte[20];
        _rtcpHmac.AppendData(destination[..authenticated]);
        _rtcpHmac.TryGetHashAndReset(mac, out _);
        mac[..SrtcpTagLength].CopyTo(destination[authenticated..]);
    }

    public override bool DecryptRtcp(ReadOnlySpan<byte> srtcp, Span<byte> destination, uint ssrc, uint index, bool encrypted)
    {
        int authenticated = srtcp.Length - SrtcpTagLength;
        Span<byte> mac = stackalloc byte[20];
        _rtcpHmac.AppendData(srtcp[..authenticated]);
        _rtcpHmac.TryGetHashAndReset(mac, out _);
        if (!CryptographicOperations.FixedTimeEquals(mac[..SrtcpTagLength], srtcp[authenticated..]))
        {
            return false;
        }

        int length = authenticated - 4;
        if (encrypted)
        {
            srtcp[..8].CopyTo(destination);
            _rtcpKeystream.Apply(ssrc, index, srtcp[8..length], destination[8..length]);
        }
        else
        {
            srtcp[..length].CopyTo(destination);
        }

        return true;
    }

    public override void Dispose()
    {
        _rtpKeystream.Dispose();
        _rtcpKeystream.Dispose();
        _rtpHmac.Dispose();
        _rtcpHmac.Dispose();
    }

    private static ulong Index(uint roc, ushort seq) => ((ulong)roc << 16) | seq;

    private static void Authenticate(IncrementalHash hmac, ReadOnlySpan<byte> packet, uint roc, Span<byte> mac)
    {
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        hmac.AppendData(packet);
        hmac.AppendData(rocBytes);
        hmac.TryGetHashAndReset(mac, out _);
    }
}
