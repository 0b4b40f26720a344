// Spec: https://www.rfc-editor.org/rfc/rfc6184#section-5.6 (single NAL), §5.7.1 (STAP-A), §5.8 (FU-A)
using System.Buffers.Binary;

namespace Casto.WebRtc.Codecs;

/// <summary>
/// Reads H264 RTP payloads. The first byte is a NAL unit header (or an aggregation/fragment indicator):
/// <code>
/// +---------------+
/// |0|1|2|3|4|5|6|7|
/// +-+-+-+-+-+-+-+-+
/// |F|NRI|  Type   |   Type 1–23: single NAL unit; 24: STAP-A; 28: FU-A
/// +---------------+
/// STAP-A: [indicator] then repeated [NALU size (16 bits)][NAL unit]
/// FU-A:   [indicator F|NRI|28] [FU header S|E|R|Type] [fragment]
/// </code>
/// </summary>
internal static class H264Depacketizer
{
    /// <summary>NAL unit type: coded slice of an IDR picture.</summary>
    public const int Idr = 5;

    /// <summary>NAL unit type: sequence parameter set.</summary>
    public const int Sps = 7;

    /// <summary>NAL unit type: picture parameter set.</summary>
    public const int Pps = 8;

    /// <summary>Aggregation packet type STAP-A.</summary>
    public const int StapA = 24;

    /// <summary>Fragmentation unit type FU-A.</summary>
    public const int FuA = 28;

    private static ReadOnlySpan<byte> StartCode => [0, 0, 0, 1];

    /// <summary>
    /// Sets bit <c>t</c> of <paramref name="nalTypes"/> for each NAL unit type t the payload starts or contains
    /// (FU-A: only the start fragment counts). False for an empty or malformed payload.
    /// </summary>
    public static bool TryGetNalTypes(ReadOnlySpan<byte> payload, out uint nalTypes)
    {
        nalTypes = 0;
        if (payload.IsEmpty)
        {
            return false;
        }

        int type = payload[0] & 0x1F;
        switch (type)
        {
            case StapA:
                for (int offset = 1; offset < payload.Length;)
                {
                    if (offset + 2 > payload.Length)
                    {
                        return false;
                    }

                    int size = BinaryPrimitives.ReadUInt16BigEndian(payload[offset..]);
                    offset += 2;
                    if (size == 0 || offset + size > payload.Length)
                    {
                        return false;
                    }

                    nalTypes |= 1u << (payload[offset] & 0x1F);
                    offset += size;
                }

                return nalTypes != 0;
            case FuA:
                if (payload.Length < 2)
                {
                    return false;
                }

                if ((payload[1] & 0x80) != 0)
                {
                    nalTypes = 1u << (payload[1] & 0x1F);
                }

                return true;
            case 0 or > 23:
                return false;
            default:
                nalTypes = 1u << type;
                return true;
        }
    }

    /// <summary>True when the payload carries (the start of) an IDR slice or an SPS.</summary>
    public static bool IsKeyframe(ReadOnlySpan<byte> payload) =>
        TryGetNalTypes(payload, out uint types) && (types & ((1u << Idr) | (1u << Sps))) != 0;

    /// <summary>
    /// Appends the payload's NAL data in Annex-B form: start code + NAL for single and STAP-A units and FU-A
    /// starts (with the NAL header rebuilt), raw fragment bytes for FU-A continuations.
    /// False for malformed payloads or a too-small destination.
    /// </summary>
    public static bool TryWriteAnnexB(ReadOnlySpan<byte> payload, Span<byte> destination, out int written)
    {
        written = 0;
        if (payload.IsEmpty)
        {
            return false;
        }

        int type = payload[0] & 0x1F;
        if (type == StapA)
        {
            for (int offset = 1; offset < payload.Length;)
            {
                if (offset + 2 > payload.Length)
                {
                    return false;
                }

                int size = BinaryPrimitives.ReadUInt16BigEndian(payload[offset..]);
                offset += 2;
                if (size == 0 || offset + size > payload.Length || !TryAppend(payload.Slice(offset, size), destination, ref written))
                {
                    return false;
                }

                offset += size;
            }

            return written > 0;
        }

        if (type == FuA)
        {
            if (payload.Length < 2)
            {
                return false;
            }

            ReadOnlySpan<byte> fragment = payload[2..];
            if ((payload[1] & 0x80) == 0)
            {
                if (destination.Length < fragment.Length)
                {
                    return false;
                }

                fragment.CopyTo(destination);
                written = fragment.Length;
                return true;
            }

            if (destination.Length < StartCode.Length + 1 + fragment.Length)
            {
                return false;
            }

            StartCode.CopyTo(destination);
            destination[4] = (byte)((payload[0] & 0xE0) | (payload[1] & 0x1F));
            fragment.CopyTo(destination[5..]);
            written = 5 + fragment.Length;
            return true;
        }

        return type is >= 1 and <= 23 && TryAppend(payload, destination, ref written);
    }

    private static bool TryAppend(ReadOnlySpan<byte> nal, Span<byte> destination, ref int written)
    {
        if (destination.Length - written < StartCode.Length + nal.Length)
        {
            return false;
        }

        StartCode.CopyTo(destination[written..]);
        nal.CopyTo(destination[(written + StartCode.Length)..]);
        written += StartCode.Length + nal.Length;
        return true;
    }
}
