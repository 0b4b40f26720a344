using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;
using Casto.TreeSim;

namespace Casto.Relay.Tests.Tree;

/// <summary>
/// A transport whose accepted connections hold every chunk for <c>oneWay</c> in each direction (a round trip costs
/// 2 × oneWay more): a node "far away" from everyone who dials it. Its own dials are not delayed. The delay is the
/// simulator's <see cref="DelayedConnection"/> on the real clock.
/// </summary>
internal sealed class LaggedTransport(ITransport inner, TimeSpan oneWay) : ITransport
{
    public bool CanHandle(Multiaddr address) => inner.CanHandle(address);

    public ValueTask<IDuplexConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default) => inner.DialAsync(address, cancellationToken);

    public async ValueTask<IConnectionListener> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default) =>
        new Listener(await inner.ListenAsync(address, cancellationToken), oneWay);

    private sealed class Listener(IConnectionListener inner, TimeSpan lag) : IConnectionListener
    {
        public Multiaddr LocalAddress => inner.LocalAddress;

        public async ValueTask<IDuplexConnection?> AcceptAsync(CancellationToken cancellationToken = default) =>
            await inner.AcceptAsync(cancellationToken) is { } accepted ? new DelayedConnection(accepted, lag, TimeProvider.System) : null;

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
