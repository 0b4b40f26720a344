using System.Globalization;
using System.Net;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Signal;

/// <summary>Star signal addresses: <c>/ip4|ip6|dns…/HOST/tcp/PORT/ws|wss[/p2p-webrtc-star][/p2p/ID]</c>.</summary>
public static class SignalAddress
{
    /// <summary>The WebSocket URI of a signal server address; throws <see cref="SignalException"/> (<see cref="SignalError.BadAddress"/>) for other shapes.</summary>
    public static Uri ToUri(Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var c = address.Components;
        if (c.Count < 3 || c[1].Protocol != MultiaddrProtocol.Tcp || (c[2].Protocol != MultiaddrProtocol.Ws && c[2].Protocol != MultiaddrProtocol.Wss))
        {
            throw new SignalException(SignalError.BadAddress, $"{address} is not /HOST/tcp/PORT/ws");
        }

        for (var i = 3; i < c.Count; i++)
        {
            if (c[i].Protocol != MultiaddrProtocol.P2pWebRtcStar && c[i].Protocol != MultiaddrProtocol.P2p)
            {
                throw new SignalException(SignalError.BadAddress, $"{address}: unexpected /{c[i].Protocol.Name}");
            }
        }

        var host = c[0].Protocol switch
        {
            var p when p == MultiaddrProtocol.Ip4 || p == MultiaddrProtocol.Dns || p == MultiaddrProtocol.Dns4 || p == MultiaddrProtocol.Dns6 => c[0].Value,
            var p when p == MultiaddrProtocol.Ip6 => "[" + c[0].Value + "]",
            _ => throw new SignalException(SignalError.BadAddress, $"{address}: host must be ip4, ip6 or dns"),
        };
        var scheme = c[2].Protocol == MultiaddrProtocol.Wss ? "wss" : "ws";
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{host}:{c[1].Value}/"));
    }

    /// <summary>
    /// True for a signal server's address (<c>…/ws|wss[/p2p-webrtc-star]…</c>): listening there is a tunnel through the
    /// server, so its IP is the server's, not this node's.
    /// </summary>
    public static bool IsSignalAddress(Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Components.Any(c => c.Protocol == MultiaddrProtocol.P2pWebRtcStar || c.Protocol == MultiaddrProtocol.Ws || c.Protocol == MultiaddrProtocol.Wss);
    }

    /// <summary>The local endpoint of a listen address (<c>/ip4|ip6/ADDR/tcp/PORT/ws[/p2p-webrtc-star]</c>).</summary>
    public static IPEndPoint ToListenEndPoint(Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var c = address.Components;
        if (c.Count is < 3 or > 4 || (c[0].Protocol != MultiaddrProtocol.Ip4 && c[0].Protocol != MultiaddrProtocol.Ip6)
            || c[1].Protocol != MultiaddrProtocol.Tcp || c[2].Protocol != MultiaddrProtocol.Ws
            || (c.Count == 4 && c[3].Protocol != MultiaddrProtocol.P2pWebRtcStar))
        {
            throw new SignalException(SignalError.BadAddress, $"{address}: listen on /ip4|ip6/ADDR/tcp/PORT/ws");
        }

        return new IPEndPoint(IPAddress.Parse(c[0].Value), int.Parse(c[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The advertised address of a bound endpoint: <c>/ip4/ADDR/tcp/PORT/ws/p2p-webrtc-star</c>.</summary>
    public static Multiaddr FromEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var family = endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ip6" : "ip4";
        return Multiaddr.Parse(string.Create(CultureInfo.InvariantCulture, $"/{family}/{endPoint.Address}/tcp/{endPoint.Port}/ws/p2p-webrtc-star"));
    }
}
