using System.Diagnostics;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Muxers.Yamux;
using Casto.Stack.Protocols.Ping;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Memory;

namespace Casto.Stack.Tests.Hosting;

/// <summary>Hosts on one in-memory network for the connection manager tests; disposing stops them all.</summary>
internal sealed class ManagedHosts : IAsyncDisposable
{
    private readonly MemoryNetwork _network = new();
    private readonly List<CastoHost> _hosts = [];

    /// <summary>A host with ping and echo; <paramref name="clock"/> drives its connection manager (default the system clock).</summary>
    public async Task<CastoHost> StartAsync(Action<HostOptions>? configure = null, TimeProvider? clock = null)
    {
        var identity = PrivateKey.Generate();
        var options = new HostOptions { Identity = identity, TimeProvider = clock ?? TimeProvider.System };
        options.Transports.Add(new MemoryTransport(_network));
        options.SecureChannels.Add(new NoiseSecureChannel(identity));
        options.Muxers.Add(new YamuxMuxer());
        options.ListenAddresses.Add(Multiaddr.Parse("/memory/0"));
        configure?.Invoke(options);
        var host = await CastoHost.StartAsync(options);
        _hosts.Add(host);
        PingProtocol.Register(host);
        TestProtocols.RegisterEcho(host);
        return host;
    }

    /// <summary><paramref name="host"/>'s connection from <paramref name="peer"/>, once it has registered there.</summary>
    public static async Task<PeerConnection> ConnectionAsync(CastoHost host, PeerId peer)
    {
        PeerConnection? found = null;
        await UntilAsync(() => (found = host.FindConnection(peer)) is not null, $"{host.PeerId} never saw {peer}");
        return found!;
    }

    /// <summary>Waits (at most 10 s of real time) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), what);
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Disposables.DisposeAllAsync([.. _hosts], "some hosts failed to stop");
    }
}
