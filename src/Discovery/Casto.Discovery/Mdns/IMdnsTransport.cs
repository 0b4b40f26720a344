namespace Casto.Discovery.Mdns;

/// <summary>Called with every datagram received on the mDNS group (our own included when loopback is on).</summary>
internal delegate void MdnsPacketHandler(ReadOnlySpan<byte> packet);

/// <summary>
/// The multicast socket layer under <see cref="MdnsDiscovery"/>: real UDP sockets (<see cref="UdpMdnsTransport"/>)
/// or an in-process bus in tests. Receiving starts when the transport is opened and ends when it is disposed.
/// </summary>
internal interface IMdnsTransport : IAsyncDisposable
{
    /// <summary>Sends one datagram to the mDNS group on every interface in use; failures are reported, never thrown.</summary>
    void Send(ReadOnlySpan<byte> packet);
}

/// <summary>Opens a transport that delivers what it receives to a handler.</summary>
internal delegate IMdnsTransport MdnsTransportFactory(MdnsOptions options, MdnsPacketHandler handler);
