using System.Net;
using System.Net.Sockets;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Kad;

/// <summary>The network group of a peer for the routing table's diversity limit: its public IPv4 /24 or IPv6 /48.</summary>
internal static class IpGroup
{
    /// <summary>The group of the first public IP address in <paramref name="addresses"/>, or null (no public address: exempt).</summary>
    public static string? Of(IReadOnlyList<Multiaddr> addresses)
    {
        foreach (var address in addresses)
        {
            if (address.Components.Count == 0)
            {
                continue;
            }

            var first = address.Components[0];
            if (first.Protocol != MultiaddrProtocol.Ip4 && first.Protocol != MultiaddrProtocol.Ip6)
            {
                continue;
            }

            var ip = new IPAddress(first.RawValue.Span);
            if (!IsPublic(ip))
            {
                continue;
            }

            var bytes = ip.GetAddressBytes();
            return ip.AddressFamily == AddressFamily.InterNetwork
                ? $"4:{bytes[0]}.{bytes[1]}.{bytes[2]}"
                : "6:" + Convert.ToHexStringLower(bytes, 0, 6);
        }

        return null;
    }

    /// <summary>False for loopback, private (RFC 1918, ULA), link-local, CGNAT and unspecified addresses.</summary>
    public static bool IsPublic(IPAddress ip)
    {
        ArgumentNullException.ThrowIfNull(ip);
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return !(b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] < 32) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] < 128) || b[0] == 0);
        }

        var v6 = ip.GetAddressBytes();
        return !(ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || (v6[0] & 0xfe) == 0xfc);
    }
}
