using System.Net;
using System.Net.NetworkInformation;

namespace Casto.Discovery.Mdns;

/// <summary>Chooses the interfaces mDNS runs on.</summary>
internal static class MdnsInterfaces
{
    /// <summary>
    /// The interface named <paramref name="selector"/> (or holding that address); with no selector, every interface
    /// that is up and multicast-capable, or the loopback interface when there is no other.
    /// </summary>
    public static IReadOnlyList<NetworkInterface> Select(string? selector)
    {
        var all = NetworkInterface.GetAllNetworkInterfaces();
        if (!string.IsNullOrEmpty(selector))
        {
            var address = IPAddress.TryParse(selector, out var a) ? a : null;
            var chosen = all.Where(n => n.Name == selector
                || (address is not null && n.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(address)))).ToList();
            return chosen.Count > 0 ? chosen : throw new IOException($"mDNS: no network interface named or holding \"{selector}\"");
        }

        var up = all.Where(n => n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown).ToList();
        var multicast = up.Where(n => n.SupportsMulticast && n.NetworkInterfaceType != NetworkInterfaceType.Loopback).ToList();
        return multicast.Count > 0 ? multicast : up.Where(n => n.NetworkInterfaceType == NetworkInterfaceType.Loopback).ToList();
    }
}
