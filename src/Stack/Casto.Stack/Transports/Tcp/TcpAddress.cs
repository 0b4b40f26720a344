using System.Net;
using System.Net.Sockets;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Transports.Tcp;

/// <summary>Maps <c>/ip4|ip6|dns|dns4|dns6/…/tcp/…</c> (optionally <c>/p2p/…</c>) to endpoints and back.</summary>
internal static class TcpAddress
{
    public static bool TryParse(Multiaddr address, out MultiaddrProtocol? host, out string value, out int port)
    {
        var components = address.Decapsulate(MultiaddrProtocol.P2p).Components;
        host = null;
        value = string.Empty;
        port = 0;
        if (components.Count != 2 || components[1].Protocol != MultiaddrProtocol.Tcp)
        {
            return false;
        }

        var first = components[0].Protocol;
        if (first != MultiaddrProtocol.Ip4 && first != MultiaddrProtocol.Ip6 && first != MultiaddrProtocol.Dns
            && first != MultiaddrProtocol.Dns4 && first != MultiaddrProtocol.Dns6)
        {
            return false;
        }

        host = first;
        value = components[0].Value;
        port = int.Parse(components[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    public static async ValueTask<IPEndPoint> ResolveAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        if (!TryParse(address, out var host, out var value, out var port))
        {
            throw new TransportException(TransportError.UnsupportedAddress, $"Not a TCP address: {address}.");
        }

        if (host == MultiaddrProtocol.Ip4 || host == MultiaddrProtocol.Ip6)
        {
            return new IPEndPoint(IPAddress.Parse(value), port);
        }

        var family = host == MultiaddrProtocol.Dns4 ? AddressFamily.InterNetwork
            : host == MultiaddrProtocol.Dns6 ? AddressFamily.InterNetworkV6 : AddressFamily.Unspecified;
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(value, family, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new TransportException(TransportError.ResolutionFailed, $"Cannot resolve '{value}': {ex.Message}", ex);
        }

        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], port)
            : throw new TransportException(TransportError.ResolutionFailed, $"'{value}' has no {family} address.");
    }

    public static Multiaddr ToMultiaddr(EndPoint? endpoint)
    {
        if (endpoint is not IPEndPoint ip)
        {
            return Multiaddr.Empty;
        }

        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        var family = address.AddressFamily == AddressFamily.InterNetwork ? "ip4" : "ip6";
        return Multiaddr.Parse($"/{family}/{address}/tcp/{ip.Port}");
    }
}
