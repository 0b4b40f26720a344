// Spec: https://datatracker.ietf.org/doc/html/rfc5952#section-4 (text representation of IPv6 addresses)
using System.Buffers.Binary;
using System.Text;

namespace Casto.Stack.Multiaddrs;

/// <summary>
/// RFC 5952 text for IPv6, as go-multiaddr and js-multiaddr print it: lowercase hex groups without leading
/// zeros, the first longest run of two or more zero groups as "::", and dotted form only for IPv4-mapped
/// addresses (<c>::ffff:a.b.c.d</c>). The BCL also prints the deprecated IPv4-compatible form dotted.
/// </summary>
internal static class Ip6Format
{
    public static string ToText(ReadOnlySpan<byte> address)
    {
        if (address[..10].IndexOfAnyExcept((byte)0) < 0 && address[10] == 0xff && address[11] == 0xff)
        {
            return $"::ffff:{address[12]}.{address[13]}.{address[14]}.{address[15]}";
        }

        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = BinaryPrimitives.ReadUInt16BigEndian(address[(2 * i)..]);
        }

        var (bestStart, bestLength) = LongestZeroRun(groups);
        var sb = new StringBuilder(39);
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (sb.Length > 0 && sb[^1] != ':')
            {
                sb.Append(':');
            }

            sb.Append(groups[i].ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static (int Start, int Length) LongestZeroRun(ReadOnlySpan<ushort> groups)
    {
        int bestStart = -1, bestLength = 1, start = -1;
        for (var i = 0; i <= groups.Length; i++)
        {
            if (i < groups.Length && groups[i] == 0)
            {
                start = start < 0 ? i : start;
                continue;
            }

            if (start >= 0 && i - start > bestLength)
            {
                (bestStart, bestLength) = (start, i - start);
            }

            start = -1;
        }

        return (bestStart, bestStart < 0 ? 0 : bestLength);
    }
}
