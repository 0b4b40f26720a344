using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Transports.Tcp;

/// <summary>Maps <c>/ip4|ip6|dns|dns4|dns6/…/tcp/…</c> (optionally <c>/p2p/…</c>) to endpoints and back.</summary>
internal static class TcpAddress
{
    public static bool TryParse(Multiaddr address, out MultiaddrComponent host, out int port)
    {
        var components = address.Decapsulate(MultiaddrProtocol.P2p).Components;
        host = default;
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

        host = components[0];
        port = BinaryPrimitives.ReadUInt16BigEndian(components[1].RawValue.Span); // the codec checked the 2 bytes
        return true;
    }

    public static async ValueTask<IPEndPoint> ResolveAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        if (!TryParse(address, out var host, out var port))
        {
            throw new TransportException(TransportError.UnsupportedAddress, $"Not a TCP address: {address}.");
        }

        if (host.Protocol == MultiaddrProtocol.Ip4 || host.Protocol == MultiaddrProtocol.Ip6)
        {
            return new IPEndPoint(new IPAddress(host.RawValue.Span), port); // the address bytes, no text round trip
        }

        var value = host.Value;
        var family = host.Protocol == MultiaddrProtocol.Dns4 ? AddressFamily.InterNetwork
            : host.Protocol == MultiaddrProtocol.Dns6 ? AddressFamily.InterNetworkV6 : AddressFamily.Unspecified;
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

        // Binary form straight from the address bytes: <ip4|ip6 code><4|16 bytes><tcp code><port, big-endian>.
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        Span<byte> bytes = stackalloc byte[1 + 16 + 1 + 2];
        bytes[0] = (byte)(address.AddressFamily == AddressFamily.InterNetwork ? MultiaddrProtocol.Ip4 : MultiaddrProtocol.Ip6).Code;
        address.TryWriteBytes(bytes[1..], out var length);
        bytes[1 + length] = (byte)MultiaddrProtocol.Tcp.Code;
        BinaryPrimitives.WriteUInt16BigEndian(bytes[(2 + length)..], (ushort)ip.Port);
        return Multiaddr.FromBytes(bytes[..(4 + length)]);
    }
}
