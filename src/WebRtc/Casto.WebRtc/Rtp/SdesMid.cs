// Spec: https://www.rfc-editor.org/rfc/rfc9143#section-15.2 (urn:ietf:params:rtp-hdrext:sdes:mid), RFC 7941
using System.Text;

namespace Casto.WebRtc.Rtp;

/// <summary>
/// The BUNDLE media identification header extension: the value is the SDP <c>a=mid</c> token as
/// ASCII bytes, no terminator (1–16 bytes in the one-byte form, up to 255 in the two-byte form).
/// </summary>
internal static class SdesMid
{
    /// <summary>SDP extmap URI.</summary>
    public const string Uri = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /// <summary>Longest value the two-byte form carries.</summary>
    public const int MaxLength = 255;

    /// <summary>Compares a received value with a mid token without allocating.</summary>
    public static bool Matches(ReadOnlySpan<byte> value, ReadOnlySpan<char> mid)
    {
        if (value.Length != mid.Length)
        {
            return false;
        }

        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != mid[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes a value; false when empty, too long or not printable ASCII.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out string mid)
    {
        mid = string.Empty;
        if (value.IsEmpty || value.Length > MaxLength)
        {
            return false;
        }

        foreach (byte b in value)
        {
            if (b is < 0x21 or > 0x7E)
            {
                return false;
            }
        }

        mid = Encoding.ASCII.GetString(value);
        return true;
    }

    /// <summary>Encodes <paramref name="mid"/> as ASCII; throws <see cref="RtpException"/> for non-ASCII or a short buffer.</summary>
    public static int Write(ReadOnlySpan<char> mid, Span<byte> destination)
    {
        if (mid.IsEmpty || mid.Length > MaxLength || destination.Length < mid.Length)
        {
            throw new RtpException(RtpError.InvalidExtension, "mid must be 1–255 ASCII characters and fit the buffer.");
        }

        for (int i = 0; i < mid.Length; i++)
        {
            char c = mid[i];
            if (c is < '!' or > '~')
            {
                throw new RtpException(RtpError.InvalidExtension, "mid must be printable ASCII.");
            }

            destination[i] = (byte)c;
        }

        return mid.Length;
    }
}
