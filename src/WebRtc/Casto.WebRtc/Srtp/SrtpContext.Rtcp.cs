using System.Buffers.Binary;

namespace Casto.WebRtc.Srtp;

internal sealed partial class SrtpContext
{
    private const uint EFlag = 0x8000_0000u;
    private const uint MaxRtcpIndex = 0x7FFF_FFFFu;

    /// <summary>
    /// Protects an RTCP (compound) packet into <paramref name="destination"/> (at least <paramref name="rtcp"/>.Length
    /// + <see cref="RtcpOverhead"/> bytes; may be the same memory) and returns the SRTCP length. Each SSRC's
    /// SRTCP index starts at 1 and the E flag is set (RFC 3711 §3.4).
    /// </summary>
    /// <exception cref="SrtpException">Not an RTCP packet, too many SSRCs, or 2^31 packets sent under these keys.</exception>
    public int ProtectRtcp(ReadOnlySpan<byte> rtcp, Span<byte> destination) => ProtectRtcpCore(rtcp, destination, encrypt: true);

    /// <summary>Protects the RTCP packet in the first <paramref name="length"/> bytes of <paramref name="buffer"/> in place.</summary>
    public int ProtectRtcpInPlace(Span<byte> buffer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        return ProtectRtcpCore(buffer[..length], buffer, encrypt: true);
    }

    /// <summary>As <see cref="ProtectRtcp"/>; <paramref name="encrypt"/> = false sends authenticated-only SRTCP (E = 0).</summary>
    internal int ProtectRtcpCore(ReadOnlySpan<byte> rtcp, Span<byte> destination, bool encrypt)
    {
        if (rtcp.Length < 8 || (rtcp[0] >> 6) != 2)
        {
            throw new SrtpException(SrtpError.InvalidPacket, "Not an RTCP packet (version 2, at least 8 octets).");
        }

        int length = rtcp.Length + RtcpOverhead;
        if (destination.Length < length)
        {
            ThrowDestinationTooSmall();
        }

        CheckOverlap(rtcp, destination);
        Enter();
        try
        {
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(rtcp[4..]);
            SrtpStream stream = _outbound.TryGetValue(ssrc, out SrtpStream? s) ? s
                : AddStream(ssrc, outbound: true) ?? throw new SrtpException(SrtpError.SsrcLimit, $"More than {_maxSsrcs} SSRCs.");
            if (stream.RtcpIndex >= MaxRtcpIndex)
            {
                throw new SrtpException(SrtpError.KeyExhausted, "The SRTCP index space (2^31) is used up; re-key.");
            }

            uint index = stream.RtcpIndex + 1;
            _cipher.EncryptRtcp(rtcp, destination, ssrc, index, encrypt);
            stream.RtcpIndex = index;
            return length;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Authenticates, replay-checks and (if the E flag is set) decrypts an SRTCP packet into
    /// <paramref name="destination"/> (may be the same memory). Returns <see langword="false"/>, counting the
    /// reason in <see cref="Drops"/>, for any packet that must be dropped.
    /// </summary>
    public bool TryUnprotectRtcp(ReadOnlySpan<byte> srtcp, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (srtcp.Length < 8 + RtcpOverhead || (srtcp[0] >> 6) != 2)
        {
            Interlocked.Increment(ref _malformed);
            return false;
        }

        int length = srtcp.Length - RtcpOverhead;
        if (destination.Length < length)
        {
            ThrowDestinationTooSmall();
        }

        CheckOverlap(srtcp, destination);
        Enter();
        try
        {
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(srtcp[4..]);
            uint trailer = BinaryPrimitives.ReadUInt32BigEndian(srtcp[_cipher.RtcpTrailerOffset(srtcp.Length)..]);
            uint index = trailer & MaxRtcpIndex;
            bool known = _inbound.TryGetValue(ssrc, out SrtpStream? stream);
            if (known && !stream!.RtcpReplay!.IsFresh(index))
            {
                Interlocked.Increment(ref _replayed);
                return false;
            }

            if (!known && _inbound.Count >= _maxSsrcs)
            {
                Interlocked.Increment(ref _ssrcLimit);
                return false;
            }

            if (!_cipher.DecryptRtcp(srtcp, destination, ssrc, index, encrypted: (trailer & EFlag) != 0))
            {
                Interlocked.Increment(ref _authenticationFailed);
                return false;
            }

            stream ??= AddStream(ssrc, outbound: false)!;
            stream.RtcpReplay!.Accept(index);
            bytesWritten = length;
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Unprotects the SRTCP packet in the first <paramref name="length"/> bytes of <paramref name="buffer"/> in place.</summary>
    public bool TryUnprotectRtcpInPlace(Span<byte> buffer, int length, out int rtcpLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        return TryUnprotectRtcp(buffer[..length], buffer, out rtcpLength);
    }
}
