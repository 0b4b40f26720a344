using Casto.Relay.Http;
using Microsoft.Extensions.Logging;

namespace Casto.Sdk;

/// <summary>
/// A stream being published (<see cref="CastoClient.PublishAsync"/>): this peer is the root of the stream's relay tree,
/// findable through the configured discovery (mDNS, signal rooms) and at <see cref="Addresses"/>; viewers relay it to
/// each other. Disposing stops the source and closes the peer (viewers see the stream end).
/// </summary>
public sealed class CastoPublisher : IAsyncDisposable
{
    private readonly CastoPeer _peer;
    private readonly IAsyncDisposable _source;
    private int _disposed;

    /// <summary>Whether <see cref="DisposeAsync"/> has run.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal CastoPublisher(CastoPeer peer, IAsyncDisposable source)
    {
        (_peer, _source) = (peer, source);
        WhipUrl = source is WhipServer whip ? new Uri($"http://{whip.EndPoint}/whip/{Uri.EscapeDataString(peer.Stream)}") : null;
    }

    /// <summary>The stream.</summary>
    public string Stream => _peer.Stream;

    /// <summary>This peer's id.</summary>
    public string PeerId => _peer.Peer.PeerId.ToString();

    /// <summary>Where viewers can reach this peer (<c>/ip4/…/tcp/…/p2p/ID</c>): usable as their <see cref="CastoOptions.BootstrapPeers"/>.</summary>
    public IReadOnlyList<string> Addresses => [.. _peer.Peer.Host.ListenAddresses.Select(a => a.WithPeerId(_peer.Peer.PeerId).ToString())];

    /// <summary>For <see cref="CastoSource.Whip"/>: where the encoder POSTs its offer (<c>http://HOST:PORT/whip/STREAM</c>); otherwise null.</summary>
    public Uri? WhipUrl { get; }

    /// <summary>Viewers connected directly to this peer now (the tree's first level).</summary>
    public int Children => _peer.Peer.Tree.GetStatus(Stream)?.Children ?? 0;

    /// <summary>Video RTP packets received from the source so far.</summary>
    public long PacketsIn => _peer.Peer.Forwarding.GetStream(Stream)?.GetStats().Video.PacketsIn ?? 0;

    /// <summary>Stops the source and closes the peer. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _source.DisposeAsync().ConfigureAwait(false);
        await _peer.DisposeAsync().ConfigureAwait(false);
        Log.Left(_peer.Loggers.CreateLogger<CastoPublisher>(), Stream);
    }
}
