using Microsoft.Extensions.Logging;

namespace Casto.Sdk;

/// <summary>
/// The entry point: watch a stream with two lines,
/// <code>
/// var casto = new CastoClient(new CastoOptions { Stream = "show" });
/// await using CastoMedia media = await casto.StartAsync(ct);
/// </code>
/// or publish one with <see cref="PublishAsync"/>. Each call starts its own peer (libp2p host, UDP port, relay tree
/// node, discovery) owned by the returned object; disposing the client disposes what it started and is still open.
/// Thread-safe.
/// </summary>
public sealed class CastoClient : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<IAsyncDisposable> _open = [];
    private bool _disposed;

    /// <summary>A client of the default stream (<c>casto</c>) found on the LAN with mDNS.</summary>
    public CastoClient()
        : this(new CastoOptions())
    {
    }

    /// <summary>A client with <paramref name="options"/> (validated now; not copied: do not change them afterwards).</summary>
    /// <exception cref="CastoException"><see cref="CastoError.InvalidOptions"/>, naming the bad setting.</exception>
    public CastoClient(CastoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options.</summary>
    public CastoOptions Options { get; }

    /// <summary>
    /// Joins the stream as a viewer that also relays (up to <see cref="CastoOptions.MaxChildren"/> children) and returns
    /// once its first frame has arrived.
    /// </summary>
    /// <exception cref="CastoException">
    /// <see cref="CastoError.StreamNotFound"/> when no frame came within <see cref="CastoOptions.JoinTimeout"/>;
    /// <see cref="CastoError.SignalUnreachable"/>, <see cref="CastoError.AddressInUse"/>, <see cref="CastoError.KeyFile"/>;
    /// <see cref="CastoError.InvalidOptions"/> when there is no way to find the stream (no mDNS, servers or peers).
    /// Nothing is left running after any exception.
    /// </exception>
    public async Task<CastoMedia> StartAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        Options.ValidateForViewer();
        long started = Options.TimeProvider.GetTimestamp();
        var peer = await CastoPeer.StartAsync(Options, root: false, cancellationToken).ConfigureAwait(false);
        CastoMedia? media = null;
        try
        {
            var membership = peer.Peer.Tree.Join(Options.Stream, peer.Seeds());
            await peer.AnnounceAsync(membership.AddCandidates, cancellationToken).ConfigureAwait(false);
            media = new CastoMedia(peer, membership);
            var logger = peer.Loggers.CreateLogger<CastoClient>();
            try
            {
                await media.WaitForFirstFrameAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                Log.NotFound(logger, Options.Stream, Options.JoinTimeout.TotalSeconds);
                throw new CastoException(CastoError.StreamNotFound, NotFoundMessage(), ex);
            }

            Log.Watching(logger, Options.Stream, Options.TimeProvider.GetElapsedTime(started).TotalMilliseconds);
            Track(media);
            return media;
        }
        catch
        {
            if (media is not null)
            {
                await media.DisposeAsync().ConfigureAwait(false);
            }

            await peer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Publishes <paramref name="source"/> as the stream: this peer becomes the root of its relay tree, announced through
    /// the configured discovery. Returns once the source is connected (for WHIP: once the endpoint listens).
    /// </summary>
    /// <exception cref="CastoException">
    /// <see cref="CastoError.UnsupportedFile"/>, <see cref="CastoError.AddressInUse"/>, <see cref="CastoError.PublishFailed"/>,
    /// <see cref="CastoError.SignalUnreachable"/>, <see cref="CastoError.KeyFile"/>. Nothing is left running after any exception.
    /// </exception>
    public async Task<CastoPublisher> PublishAsync(CastoSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ThrowIfDisposed();
        await source.PrepareAsync(cancellationToken).ConfigureAwait(false);
        CastoPeer? peer = null;
        IAsyncDisposable? running = null;
        try
        {
            peer = await CastoPeer.StartAsync(Options, root: true, cancellationToken).ConfigureAwait(false);
            running = await source.StartAsync(peer, cancellationToken).ConfigureAwait(false);
            peer.Peer.Tree.Broadcast(Options.Stream);
            await peer.AnnounceAsync(found: null, cancellationToken).ConfigureAwait(false);
            var publisher = new CastoPublisher(peer, running);
            Log.Publishing(peer.Loggers.CreateLogger<CastoClient>(), Options.Stream, source.Describe(), publisher.PeerId);
            Track(publisher);
            return publisher;
        }
        catch
        {
            if (running is not null)
            {
                await running.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await source.ReleaseAsync().ConfigureAwait(false);
            }

            if (peer is not null)
            {
                await peer.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private string NotFoundMessage()
    {
        var where = new List<string>();
        if (Options.Mdns)
        {
            where.Add("mDNS on the LAN");
        }

        if (Options.SignalServers.Count > 0)
        {
            where.Add($"{Options.SignalServers.Count} signal server(s)");
        }

        if (Options.BootstrapPeers.Count > 0)
        {
            where.Add($"{Options.BootstrapPeers.Count} bootstrap peer(s)");
        }

        return $"Stream '{Options.Stream}' not found within {Options.JoinTimeout.TotalSeconds:0.#} s (looked with {string.Join(", ", where)}). Is it being published?";
    }

    private void Track(IAsyncDisposable session)
    {
        lock (_gate)
        {
            _open.RemoveAll(s => s is CastoMedia { IsDisposed: true } or CastoPublisher { IsDisposed: true });
            _open.Add(session);
        }
    }

    private void ThrowIfDisposed()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    /// <summary>Disposes every media and publisher this client started (disposing one twice is harmless).</summary>
    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] open;
        lock (_gate)
        {
            _disposed = true;
            open = [.. _open];
            _open.Clear();
        }

        foreach (var s in open)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }
    }
}
