using System.Net;
using System.Net.Sockets;
using Casto.Sdk;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // each test starts peers: one at a time on two cores

namespace Casto.Sdk.Tests;

/// <summary>Options and peers on 127.0.0.1 only, with no mDNS: viewers find publishers through their addresses.</summary>
internal static class Loopback
{
    public static CastoOptions Options(string stream, IEnumerable<string>? bootstrap = null, TimeSpan? joinTimeout = null)
    {
        var options = new CastoOptions { Stream = stream, Mdns = false, JoinTimeout = joinTimeout ?? TimeSpan.FromSeconds(15) };
        options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
        foreach (string a in bootstrap ?? [])
        {
            options.BootstrapPeers.Add(a);
        }

        return options;
    }

    public static Task<CastoPublisher> PublishClipAsync(string stream, CancellationToken cancellationToken = default) =>
        new CastoClient(Options(stream)).PublishAsync(CastoSource.BuiltInClip, cancellationToken);

    public static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>A UDP port on 127.0.0.1 that was free a moment ago (for a source to bind).</summary>
    public static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public static CancellationTokenSource Timeout(double seconds = 30) => new(TimeSpan.FromSeconds(seconds));
}
