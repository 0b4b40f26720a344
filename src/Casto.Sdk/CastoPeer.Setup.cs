using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Casto.Discovery.Signal;
using Casto.Relay.Tree;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Microsoft.Extensions.Logging;

namespace Casto.Sdk;

/// <summary>From <see cref="CastoOptions"/> to the tree peer's settings: child limit, addresses, key.</summary>
internal sealed partial class CastoPeer
{
    private static TreePeerOptions PeerOptions(CastoOptions options, PrivateKey key, ILoggerFactory loggers, bool root)
    {
        int children = options.MaxChildren;
        if (options.UploadCapKbps > 0)
        {
            children = Math.Min(children, options.UploadCapKbps / options.ExpectedStreamKbps);
        }

        var peer = new TreePeerOptions
        {
            Identity = key,
            Tree = new TreeNodeOptions { MaxChildren = root ? Math.Max(children, 1) : children, LoggerFactory = loggers, TimeProvider = options.TimeProvider },
        };
        peer.ListenAddresses.Clear();
        if (options.ListenAddresses.Count == 0)
        {
            peer.ListenAddresses.Add(Multiaddr.Parse($"/ip4/{LanAddress()}/tcp/0"));
        }
        else
        {
            foreach (string a in options.ListenAddresses)
            {
                peer.ListenAddresses.Add(Multiaddr.Parse(a));
            }
        }

        // Media binds where libp2p listens; a signal server's address (a tunnel through it) is the server's, not ours.
        var own = peer.ListenAddresses.FirstOrDefault(a => !SignalAddress.IsSignalAddress(a));
        string host = own is null ? LanAddress().ToString() : own.ValueOf(MultiaddrProtocol.Ip4) ?? own.ValueOf(MultiaddrProtocol.Ip6) ?? "127.0.0.1";
        var ip = IPAddress.Parse(host);
        peer.UdpEndPoint = new IPEndPoint(ip.Equals(IPAddress.Any) ? LanAddress() : ip.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : ip, 0);
        return peer;
    }

    /// <summary>The first up, non-loopback interface's IPv4 address; loopback when there is none.</summary>
    internal static IPAddress LanAddress()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var a in nic.GetIPProperties().UnicastAddresses)
            {
                if (a.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a.Address))
                {
                    return a.Address;
                }
            }
        }

        return IPAddress.Loopback;
    }

    private static PrivateKey LoadKey(string? path)
    {
        if (path is null)
        {
            return PrivateKey.Generate();
        }

        try
        {
            return Casto.Stack.Identity.KeyFile.LoadOrCreate(path, out _);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IdentityException)
        {
            throw new CastoException(CastoError.KeyFile, $"Cannot use key file '{path}': {ex.Message}", ex);
        }
    }
}
