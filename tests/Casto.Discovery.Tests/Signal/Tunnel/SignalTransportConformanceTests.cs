using Casto.Conformance;
using Casto.Discovery.Signal;
using Casto.Discovery.Signal.Tunnel;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Signal.Tunnel;

/// <summary>The transport suite over tunnels through a real signal server on loopback (a peer tunnelling to itself).</summary>
public sealed class SignalTransportConformanceTests : TransportConformanceTests, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly PrivateKey _key = PrivateKey.Generate();
    private SignalServer? _server;

    public async Task InitializeAsync() =>
        _server = await SignalServer.StartAsync(new SignalServerOptions { MessagesPerSecond = 2000, MessageBurst = 2000 }, SignalServerTests.Loopback);

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await _server!.DisposeAsync();
        _key.Dispose();
    }

    protected override ITransport CreateTransport()
    {
        var transport = new SignalTransport(_key, new SignalTransportOptions { MaxTunnels = 256, AcceptBacklog = 64 });
        _owned.Add(transport);
        return transport;
    }

    protected override Multiaddr ListenAddress => _server!.Addresses[0];

    protected override Multiaddr UnusedAddress
    {
        get
        {
            using var stranger = PrivateKey.Generate();
            return _server!.Addresses[0].Encapsulate("/p2p/" + stranger.PeerId);
        }
    }
}
