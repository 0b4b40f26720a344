using System.Buffers.Binary;

namespace Casto.WebRtc.Srtp;

internal sealed partial class SrtpContext
{
    /// <summary>
    /// Protects an RTP packet into <paramref name="destination"/> (at least <paramref name="rtp"/>.Length +
    /// <see cref="RtpOverhead"/> bytes; may be the same memory as <paramref name="rtp"/>) and returns the SRTP length.
    /// </summary>
    /// <exception cref="SrtpException">Not an RTP packet, too many SSRCs, or the index space is used up.</exception>
    public int Protect(ReadOnlySpan<byte> rtp, Span<byte> destination)
    {
        if (!TryGetRtpHeaderLength(rtp, out int headerLength))
        {
            throw new SrtpException(SrtpError.InvalidPacket, "Not an RTP packet (version 2, complete header).");
        }

        int length = rtp.Length + _cipher.RtpTagLength;
        if (destination.Length < length)
        {
            ThrowDestinationTooSmall();
        }

        CheckOverlap(rtp, destination);
        Enter();
        try
        {
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(rtp[8..]);
            ushort seq = BinaryPrimitives.ReadUInt16BigEndian(rtp[2..]);
            SrtpStream stream = _outbound.TryGetValue(ssrc, out SrtpStream? s) ? s
                : AddStream(ssrc, outbound: true) ?? throw new SrtpException(SrtpError.SsrcLimit, $"More than {_maxSsrcs} SSRCs.");

            // The sender estimates like the receiver, so retransmissions of old sequence numbers keep their index.
            if (!stream.TryEstimateRoc(seq, out uint roc, out bool beforeStart))
            {
                throw beforeStart
                    ? new SrtpException(SrtpError.InvalidPacket, $"Sequence number {seq} lies before the first packet sent on SSRC {ssrc}.")
                    : new SrtpException(SrtpError.KeyExhausted, "The SRTP packet index space (2^48) is used up; re-key.");
            }

            _cipher.EncryptRtp(rtp, destination, headerLength, ssrc, roc);
            stream.Advance(roc, seq);
            return length;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Protects the RTP packet in the first <paramref name="length"/> bytes of <paramref name="buffer"/> in place; returns the SRTP length.</summary>
    public int ProtectInPlace(Span<byte> buffer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        return Protect(buffer[..length], buffer);
    }

    /// <summary>
    /// Authenticates, replay-checks and decrypts an SRTP packet into <paramref name="destination"/> (may be the
    /// same memory as <paramref name="srtp"/>). Returns <see langword="false"/>, counting the reason in
    /// <see cref="Drops"/>, for any packet that must be dropped; the destination content is then unspecified.
    /// </summary>
    public bool TryUnprotect(ReadOnlySpan<byte> srtp, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        int tagLength = _cipher.RtpTagLength;
        if (!TryGetRtpHeaderLength(srtp, out int headerLength) || srtp.Length < headerLength + tagLength)
        {
            Interlocked.Increment(ref _malformed);
            return false;
        }

        int length = srtp.Length - tagLength;
        if (destination.Length < length)
        {
            ThrowDestinationTooSmall();
        }

        CheckOverlap(srtp, destination);
        Enter();
        try
        {
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(srtp[8..]);
            ushort seq = BinaryPrimitives.ReadUInt16BigEndian(srtp[2..]);
            bool known = _inbound.TryGetValue(ssrc, out SrtpStream? stream);
            uint roc = 0;
            if (known)
            {
                if (!stream!.TryEstimateRoc(seq, out roc, out _) || !stream.RtpReplay!.IsFresh(((ulong)roc << 16) | seq))
                {
                    Interlocked.Increment(ref _replayed);
                    return false;
                }
            }
            else if (_inbound.Count >= _maxSsrcs)
            {
                Interlocked.Increment(ref _ssrcLimit);
                return false;
            }

            if (!_cipher.DecryptRtp(srtp, destination, headerLength, ssrc, roc))
            {
                Interlocked.Increment(ref _authenticationFailed);
                return false;
            }

            // Only now, after authentication, may the stream state move (RFC 3711 §3.3.1: "after … authenticated").
            stream ??= AddStream(ssrc, outbound: false)!;
            stream.Advance(roc, seq);
            stream.RtpReplay!.Accept(((ulong)roc << 16) | seq);
            bytesWritten = length;
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Unprotects the SRTP packet in the first <paramref name="length"/> bytes of <paramref name="buffer"/> in place.</summary>
    public bool TryUnprotectInPlace(Span<byte> buffer, int length, out int rtpLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        return TryUnprotect(buffer[..length], buffer, out rtpLength);
    }

    /// <summary>
    /// Length of the RTP header SRTP leaves in clear: 12 octets, the CSRC list and the header extension
    /// (RFC 3550 §5.1, §5.3.1). False unless version 2 and the header fits.
    /// </summary>
    internal static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < 12 || (packet[0] >> 6) != 2)
        {
            return false;
        }

        int length = 12 + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return false;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        if (packet.Length < length)
        {
            return false;
        }

        headerLength = length;
        return true;
    }
}
