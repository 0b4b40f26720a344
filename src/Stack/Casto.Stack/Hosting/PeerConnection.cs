using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Multistream;

namespace Casto.Stack.Hosting;

/// <summary>An upgraded (secured, multiplexed) connection to one peer.</summary>
public sealed partial class PeerConnection : IAsyncDisposable
{
    private readonly ISecureConnection _secure;
    private readonly IMuxedConnection _muxed;
    private readonly CastoHost _host;
    private readonly SemaphoreSlim _inboundSlots;

    internal PeerConnection(CastoHost host, ISecureConnection secure, IMuxedConnection muxed, bool outbound)
    {
        _host = host;
        _secure = secure;
        _muxed = muxed;
        IsOutbound = outbound;
        _inboundSlots = new SemaphoreSlim(host.Options.MaxInboundStreamsPerConnection);
        _openedAt = _lastActivity = host.Options.TimeProvider.GetTimestamp();
    }

    /// <summary>The remote peer.</summary>
    public PeerId RemotePeer => _secure.RemotePeer;

    /// <summary>The remote's public key, proven by the security handshake.</summary>
    public PublicKey RemotePublicKey => _secure.RemotePublicKey;

    /// <summary>The remote address of the underlying transport connection.</summary>
    public Multiaddr RemoteAddress => _secure.RemoteAddress;

    /// <summary>Our address on this connection.</summary>
    public Multiaddr LocalAddress => _secure.LocalAddress;

    /// <summary>True when we dialed.</summary>
    public bool IsOutbound { get; }

    /// <summary>Completes when the connection has ended.</summary>
    public Task Completion => _muxed.Completion;

    /// <summary>Opens a stream and negotiates the first of <paramref name="protocols"/> the remote supports.</summary>
    public async ValueTask<StreamContext> NewStreamAsync(IReadOnlyList<string> protocols, CancellationToken cancellationToken = default)
    {
        StreamOpened(); // counted from now, so a connection about to carry a stream does not look idle
        TrackedStream stream;
        try
        {
            stream = new TrackedStream(await _muxed.OpenStreamAsync(cancellationToken).ConfigureAwait(false), this);
        }
        catch
        {
            StreamClosed();
            throw;
        }

        using var timeout = new CancellationTokenSource(_host.Options.StreamNegotiationTimeout, _host.Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var protocol = await MultistreamSelect.SelectAsync(stream, protocols, linked.Token).ConfigureAwait(false);
            return new StreamContext(stream, protocol, this);
        }
        catch (MultistreamException ex) when (ex.Error == MultistreamError.NoCommonProtocol)
        {
            stream.Reset();
            throw new HostException(HostError.ProtocolNotSupported, $"{RemotePeer} supports none of {string.Join(", ", protocols)}.", ex);
        }
        catch
        {
            stream.Reset();
            throw;
        }
    }

    /// <summary>Opens a stream for one protocol.</summary>
    public ValueTask<StreamContext> NewStreamAsync(string protocol, CancellationToken cancellationToken = default) =>
        NewStreamAsync([protocol], cancellationToken);

    /// <summary>
    /// Closes the session gracefully: go-away (no new streams; <see cref="IsClosing"/> from now on), then the session ends
    /// once the open streams finish, or at once when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        TryBeginClosing();
        return _muxed.CloseAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _muxed.DisposeAsync().ConfigureAwait(false);
        await _secure.DisposeAsync().ConfigureAwait(false);
        _inboundSlots.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{(IsOutbound ? "→" : "←")} {RemotePeer} at {RemoteAddress}";

    /// <summary>Accepts inbound streams until the session ends; each is negotiated and handled concurrently.</summary>
    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await _muxed.AcceptStreamAsync(cancellationToken).ConfigureAwait(false) is { } stream)
        {
            if (!_inboundSlots.Wait(0, CancellationToken.None))
            {
                stream.Reset(); // too many inbound streams in flight on this connection
                continue;
            }

            _ = HandleInboundAsync(stream, cancellationToken);
        }
    }

    private async Task HandleInboundAsync(IMuxedStream stream, CancellationToken cancellationToken)
    {
        StreamOpened();
        try
        {
            string protocol;
            using (var timeout = new CancellationTokenSource(_host.Options.StreamNegotiationTimeout, _host.Options.TimeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                protocol = await MultistreamSelect.HandleAsync(stream, _host.ProtocolSet, linked.Token).ConfigureAwait(false);
            }

            if (_host.TryGetHandler(protocol, out var handler))
            {
                await handler(new StreamContext(stream, protocol, this), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            _host.Log.StreamFailed(RemotePeer, ex);
            stream.Reset();
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            StreamClosed();
            ReleaseSlot();
        }
    }

    private void ReleaseSlot()
    {
        try
        {
            _inboundSlots.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
