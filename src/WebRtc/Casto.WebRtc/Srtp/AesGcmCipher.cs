using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Casto.WebRtc.Srtp;

/// <summary>
/// AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714 §8–§9): the RTP header (or the first 8 RTCP octets and the
/// E-flag/index word) is associated data, the payload is encrypted, a 16-byte tag follows.
/// </summary>
/// <remarks>
/// <see cref="AesGcm.Decrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte})"/>
/// reports a tag mismatch only by throwing, so forged packets cost an exception each (caught here, never
/// surfaced). On failure the destination payload is zeroed by the BCL.
/// </remarks>
internal sealed class AesGcmCipher : SrtpCipher
{
    private const int TagLength = 16;

    private readonly AesGcm _rtp;
    private readonly AesGcm _rtcp;
    private readonly byte[] _rtpSalt = new byte[12];
    private readonly byte[] _rtcpSalt = new byte[12];

    public AesGcmCipher(ReadOnlySpan<byte> rtpKey, ReadOnlySpan<byte> rtpSalt, ReadOnlySpan<byte> rtcpKey, ReadOnlySpan<byte> rtcpSalt)
    {
        if (rtpSalt.Length != 12 || rtcpSalt.Length != 12)
        {
            throw new ArgumentException("The AEAD_AES_128_GCM session salt is 96 bits.", nameof(rtpSalt));
        }

        rtpSalt.CopyTo(_rtpSalt);
        rtcpSalt.CopyTo(_rtcpSalt);
        _rtp = new AesGcm(rtpKey, TagLength);
        _rtcp = new AesGcm(rtcpKey, TagLength);
    }

    public override int RtpTagLength => TagLength;

    public override int RtcpTagLength => TagLength;

    public override int RtcpTrailerOffset(int srtcpLength) => srtcpLength - 4;

    public override void EncryptRtp(ReadOnlySpan<byte> rtp, Span<byte> destination, int headerLength, uint ssrc, uint roc)
    {
        Span<byte> nonce = stackalloc byte[12];
        RtpNonce(nonce, ssrc, roc, BinaryPrimitives.ReadUInt16BigEndian(rtp[2..]));
        rtp[..headerLength].CopyTo(destination);
        _rtp.Encrypt(
            nonce, rtp[headerLength..], destination[headerLength..rtp.Length],
            destination.Slice(rtp.Length, TagLength), destination[..headerLength]);
    }

    public override bool DecryptRtp(ReadOnlySpan<byte> srtp, Span<byte> destination, int headerLength, uint ssrc, uint roc)
    {
        int length = srtp.Length - TagLength;
        Span<byte> nonce = stackalloc byte[12];
        RtpNonce(nonce, ssrc, roc, BinaryPrimitives.ReadUInt16BigEndian(srtp[2..]));
        try
        {
            _rtp.Decrypt(nonce, srtp[headerLength..length], srtp[length..], destination[headerLength..length], srtp[..headerLength]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        srtp[..headerLength].CopyTo(destination);
        return true;
    }

    public override void EncryptRtcp(ReadOnlySpan<byte> rtcp, Span<byte> destination, uint ssrc, uint index, bool encrypt)
    {
        Span<byte> nonce = stackalloc byte[12];
        RtcpNonce(nonce, ssrc, index);
        int length = rtcp.Length;
        uint trailer = encrypt ? index | 0x8000_0000u : index;
        if (encrypt)
        {
            // AAD = first 8 octets || E || SRTCP index (RFC 7714 §9.2, §17).
            Span<byte> aad = stackalloc byte[12];
            rtcp[..8].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[8..], trailer);
            rtcp[..8].CopyTo(destination);
            _rtcp.Encrypt(nonce, rtcp[8..], destination[8..length], destination.Slice(length, TagLength), aad);
        }
        else
        {
            // Unencrypted SRTCP: the whole packet || E || index is AAD, the plaintext is empty (RFC 7714 §9.3).
            rtcp.CopyTo(destination);
            byte[] aad = ArrayPool<byte>.Shared.Rent(length + 4);
            destination[..length].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(length), trailer);
            _rtcp.Encrypt(nonce, default, default, destination.Slice(length, TagLength), aad.AsSpan(0, length + 4));
            ArrayPool<byte>.Shared.Return(aad);
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination[(length + TagLength)..], trailer);
    }

    public override bool DecryptRtcp(ReadOnlySpan<byte> srtcp, Span<byte> destination, uint ssrc, uint index, bool encrypted)
    {
        int length = srtcp.Length - TagLength - 4;
        ReadOnlySpan<byte> tag = srtcp.Slice(length, TagLength);
        ReadOnlySpan<byte> trailer = srtcp[(length + TagLength)..];
        Span<byte> nonce = stackalloc byte[12];
        RtcpNonce(nonce, ssrc, index);
        byte[]? rented = null;
        try
        {
            if (encrypted)
            {
                Span<byte> aad = stackalloc byte[12];
                srtcp[..8].CopyTo(aad);
                trailer.CopyTo(aad[8..]);
                _rtcp.Decrypt(nonce, srtcp[8..length], tag, destination[8..length], aad);
                srtcp[..8].CopyTo(destination);
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(length + 4);
                srtcp[..length].CopyTo(rented);
                trailer.CopyTo(rented.AsSpan(length));
                _rtcp.Decrypt(nonce, default, tag, default, rented.AsSpan(0, length + 4));
                srtcp[..length].CopyTo(destination);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public override void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    // IV = (00 00 || SSRC || ROC || SEQ) XOR salt (RFC 7714 §8.1).
    private void RtpNonce(Span<byte> nonce, uint ssrc, uint roc, ushort seq)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], roc);
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], seq);
        AesCmKeystream.Xor(nonce, _rtpSalt, nonce);
    }

    // IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt (RFC 7714 §9.1).
    private void RtcpNonce(Span<byte> nonce, uint ssrc, uint index)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        nonce[6] = 0;
        nonce[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index & 0x7FFF_FFFFu);
        AesCmKeystream.Xor(nonce, _rtcpSalt, nonce);
    }
}
