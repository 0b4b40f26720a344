using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Casto.Discovery.Mdns;

/// <summary>One address family's socket: bind, group membership per interface, choosing the sending interface.</summary>
internal sealed partial class UdpMdnsTransport
{
    private sealed class Family(Socket socket, IPEndPoint group, List<int> interfaces, Dictionary<int, IPAddress> v4Addresses)
    {
        public Socket Socket { get; } = socket;

        public IPEndPoint Group { get; } = group;

        public List<int> Interfaces { get; } = interfaces;

        public static Family Open(bool v6, int port, IReadOnlyList<NetworkInterface> candidates)
        {
            var socket = new Socket(v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                var indexes = new List<int>();
                var v4 = new Dictionary<int, IPAddress>();
                if (v6)
                {
                    socket.DualMode = false;
                    socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, true);
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
                    foreach (var nic in candidates.Where(n => n.Supports(NetworkInterfaceComponent.IPv6)))
                    {
                        var index = nic.GetIPProperties().GetIPv6Properties().Index;
                        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(GroupV6, index));
                        indexes.Add(index);
                    }
                }
                else
                {
                    socket.Bind(new IPEndPoint(IPAddress.Any, port));
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
                    foreach (var nic in candidates)
                    {
                        var address = nic.GetIPProperties().UnicastAddresses
                            .Select(u => u.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
                        if (address is not null)
                        {
                            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(GroupV4, address));
                            var index = nic.GetIPProperties().GetIPv4Properties().Index;
                            indexes.Add(index);
                            v4[index] = address;
                        }
                    }
                }

                if (indexes.Count == 0)
                {
                    throw new SocketException((int)SocketError.AddressNotAvailable);
                }

                return new Family(socket, new IPEndPoint(v6 ? GroupV6 : GroupV4, port), indexes, v4);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public void SelectInterface(int index)
        {
            if (Socket.AddressFamily == AddressFamily.InterNetworkV6)
            {
                Socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, index);
            }
            else
            {
#pragma warning disable CS0618 // IPAddress.Address: IP_MULTICAST_IF takes the interface address as an in_addr.
                Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, (int)v4Addresses[index].Address);
#pragma warning restore CS0618
            }
        }
    }
}
