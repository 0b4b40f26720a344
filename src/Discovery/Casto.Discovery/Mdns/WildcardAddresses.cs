using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Mdns;

/// <summary>
/// Turns listen addresses on 0.0.0.0 / :: into one address per local interface address (up interfaces only;
/// IPv6 link-local skipped as it needs a zone), since a wildcard cannot be dialled. Other addresses pass unchanged.
/// </summary>
internal static class WildcardAddresses
{
    public static IEnumerable<Multiaddr> Expand(IEnumerable<Multiaddr> addresses)
    {
        List<IPAddress>? local = null;
        foreach (var address in addresses)
        {
            var text = address.ToString();
            var v4 = text.StartsWith("/ip4/0.0.0.0/", StringComparison.Ordinal);
            var v6 = text.StartsWith("/ip6/::/", StringComparison.Ordinal);
            if (!v4 && !v6)
            {
                yield return address;
                continue;
            }

            local ??= LocalAddresses();
            var rest = text[(v4 ? "/ip4/0.0.0.0".Length : "/ip6/::".Length)..];
            foreach (var ip in local.Where(a => a.AddressFamily == (v4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6)))
            {
                if (Multiaddr.TryParse((v4 ? "/ip4/" : "/ip6/") + ip + rest, out var expanded))
                {
                    yield return expanded;
                }
            }
        }
    }

    private static List<IPAddress> LocalAddresses() =>
        [.. NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork || (a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal && a.ScopeId == 0))];
}
