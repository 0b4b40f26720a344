using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery;

/// <summary>Whether a peer appeared or went away.</summary>
public enum DiscoveryEventKind
{
    /// <summary>The peer was seen (first time, or with new addresses).</summary>
    Found,
    /// <summary>The peer left, said goodbye, or its record expired.</summary>
    Lost,
}

/// <summary>
/// One discovery event: a peer found or lost by a source ("mdns", "signal", "dht", …).
/// <see cref="Addrs"/> is empty for <see cref="DiscoveryEventKind.Lost"/>.
/// </summary>
public sealed record DiscoveryEvent(DiscoveryEventKind Kind, string Source, PeerId PeerId, IReadOnlyList<Multiaddr> Addrs);

/// <summary>Where a discovery source reports what it sees; implementations never block the caller.</summary>
public interface IDiscoverySink
{
    /// <summary>Reports an event. Thread-safe; returns at once.</summary>
    void Publish(DiscoveryEvent discoveryEvent);
}

/// <summary>
/// A source of peers (mDNS, star signal, DHT). A source is started once with the sink it reports to,
/// and stops (announcing what it must, e.g. an mDNS goodbye) when disposed.
/// </summary>
public interface IDiscoverySource : IAsyncDisposable
{
    /// <summary>Short name used as <see cref="DiscoveryEvent.Source"/>, e.g. "mdns".</summary>
    string Name { get; }

    /// <summary>Starts discovering; events go to <paramref name="sink"/> until the source is disposed.</summary>
    ValueTask StartAsync(IDiscoverySink sink, CancellationToken cancellationToken = default);
}
