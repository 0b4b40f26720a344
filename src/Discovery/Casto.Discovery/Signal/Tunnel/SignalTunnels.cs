using System.Buffers;
using System.Threading.Channels;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports;

namespace Casto.Discovery.Signal.Tunnel;

/// <summary>A control frame waiting to be sent (refusals and resets; never data).</summary>
internal readonly record struct TunnelControl(TunnelFrameType Type, bool FromOpener, uint Id, string Reason);

/// <summary>
/// The tunnels of one <see cref="SignalClient"/>: routes the tunnel frames it receives (called from its receive loop,
/// never blocking it), opens tunnels, and queues inbound ones for the listener. At most
/// <see cref="SignalTransportOptions.MaxTunnels"/> tunnels at once; refusals and resets go out through a bounded
/// control queue (when full they are dropped and counted: the remote's timeouts then end its side).
/// </summary>
internal sealed partial class SignalTunnels : IAsyncDisposable
{
    private readonly SignalClient _client;
    private readonly Dictionary<(PeerId Peer, uint Id, bool WeOpened), SignalTunnel> _tunnels = [];
    private readonly Lock _lock = new();
    private readonly Channel<(PeerId To, TunnelControl Frame)> _control;
    private readonly Task _controlLoop;
    private Channel<SignalTunnel>? _accepts;
    private uint _nextId;
    private long _dropped;
    private long _overflows;

    public SignalTunnels(SignalClient client, SignalTransportOptions options)
    {
        (_client, Options) = (client, options);
        _control = Channel.CreateBounded<(PeerId, TunnelControl)>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        _controlLoop = ControlLoopAsync();
        _ = client.Completion.ContinueWith(static (_, s) => ((SignalTunnels)s!).OnClientEnded(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Local = Address(client.PeerId);
    }

    public SignalTransportOptions Options { get; }

    public SignalClient Client => _client;

    /// <summary>Our address through this server: <c>SERVER/p2p-webrtc-star/p2p/US</c>.</summary>
    public Multiaddr Local { get; }

    /// <summary>Frames dropped: for unknown tunnels, malformed, or control frames that found the queue full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Tunnels reset because their reader fell too far behind.</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _tunnels.Count;
            }
        }
    }

    /// <summary>Opens a tunnel to <paramref name="peer"/> and waits until it accepts.</summary>
    public async ValueTask<SignalTunnel> OpenAsync(PeerId peer, CancellationToken cancellationToken)
    {
        SignalTunnel tunnel;
        lock (_lock)
        {
            if (_tunnels.Count >= Options.MaxTunnels)
            {
                throw new TransportException(TransportError.ConnectionRefused, $"The limit of {Options.MaxTunnels} tunnels through {_client.Server} is reached.");
            }

            uint id = _nextId++ & TunnelFrame.MaxId;
            tunnel = new SignalTunnel(this, peer, id, opener: true, Local, Address(peer));
            _tunnels[(peer, id, true)] = tunnel;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.OpenTimeout);
        try
        {
            await SendAsync(peer, new TunnelFrame(TunnelFrameType.Open, true, tunnel.Id, default).ToBase64(), timeout.Token).ConfigureAwait(false);
            await tunnel.Accepted.WaitAsync(timeout.Token).ConfigureAwait(false);
            tunnel.Start();
            return tunnel;
        }
        catch (Exception ex)
        {
            tunnel.Abort();
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new TransportException(TransportError.Timeout, $"{peer} did not accept a tunnel through {_client.Server} in {Options.OpenTimeout}.", ex);
            }

            if (ex is SignalException { Error: SignalError.UnknownPeer })
            {
                throw new TransportException(TransportError.ConnectionRefused, $"{peer} is not connected to {_client.Server}.", ex);
            }

            throw ex is TransportException or OperationCanceledException ? ex
                : new TransportException(TransportError.ConnectionRefused, $"No tunnel to {peer} through {_client.Server}: {ex.Message}", ex);
        }
    }

    /// <summary>Starts queueing inbound tunnels (at most <paramref name="backlog"/> waiting); only one listener.</summary>
    public ChannelReader<SignalTunnel> Listen(int backlog)
    {
        var accepts = Channel.CreateBounded<SignalTunnel>(new BoundedChannelOptions(backlog) { FullMode = BoundedChannelFullMode.DropWrite });
        if (Interlocked.CompareExchange(ref _accepts, accepts, null) is not null)
        {
            throw new TransportException(TransportError.AddressInUse, $"Already listening through {_client.Server}.");
        }

        return accepts.Reader;
    }

    /// <summary>Stops queueing inbound tunnels; those waiting are refused.</summary>
    public void StopListening()
    {
        if (Interlocked.Exchange(ref _accepts, null) is { } accepts)
        {
            accepts.Writer.TryComplete();
            while (accepts.Reader.TryRead(out var waiting))
            {
                waiting.Abort();
            }
        }
    }

    internal Multiaddr Address(PeerId peer) => _client.Server.Decapsulate(MultiaddrProtocol.P2pWebRtcStar).Encapsulate("/p2p-webrtc-star").WithPeerId(peer);

    internal Task SendAsync(PeerId to, string data, CancellationToken cancellationToken = default) =>
        _client.SendAsync(to, SignalKind.Opaque, data, cancellationToken);

    internal void SendControl(PeerId to, TunnelControl frame)
    {
        if (!_control.Writer.TryWrite((to, frame)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    internal void Remove(SignalTunnel tunnel)
    {
        lock (_lock)
        {
            if (_tunnels.TryGetValue((tunnel.Remote, tunnel.Id, tunnel.Opener), out var current) && ReferenceEquals(current, tunnel))
            {
                _tunnels.Remove((tunnel.Remote, tunnel.Id, tunnel.Opener));
            }
        }
    }

    internal void CountOverflow() => Interlocked.Increment(ref _overflows);

    private async Task ControlLoopAsync()
    {
        await foreach (var (to, frame) in _control.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            byte[] reason = System.Text.Encoding.UTF8.GetBytes(frame.Reason.Length > 64 ? frame.Reason[..64] : frame.Reason);
            try
            {
                await SendAsync(to, new TunnelFrame(frame.Type, frame.FromOpener, frame.Id, reason).ToBase64()).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SignalException or ObjectDisposedException or OperationCanceledException)
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    /// <summary>The signal connection ended: every tunnel through it is gone, and the listener's accepts end.</summary>
    private void OnClientEnded()
    {
        StopListening();
        SignalTunnel[] all;
        lock (_lock)
        {
            all = [.. _tunnels.Values];
        }

        var error = new Stack.Transports.TransportException(Stack.Transports.TransportError.ConnectionAborted, $"The signal connection to {_client.Server} ended.");
        foreach (var tunnel in all)
        {
            tunnel.Abort(error);
        }
    }

    /// <summary>Resets every tunnel and stops the control queue (the client itself is the caller's).</summary>
    public async ValueTask DisposeAsync()
    {
        StopListening();
        SignalTunnel[] all;
        lock (_lock)
        {
            all = [.. _tunnels.Values];
        }

        foreach (var tunnel in all)
        {
            tunnel.Abort();
        }

        _control.Writer.TryComplete();
        await _controlLoop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
