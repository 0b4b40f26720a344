// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-7.2 (Refresh), §9 (permissions, 300 s), §10 (CreatePermission),
// §11 (Send/Data), §12 (channels, 600 s; ChannelBind also installs/refreshes the permission)
using System.Net;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Turn;

/// <summary>Permissions, channel bindings and the refresh timer.</summary>
internal sealed partial class TurnClient
{
    private readonly Dictionary<IPAddress, Permission> _permissions = [];
    private readonly Dictionary<IPEndPoint, ChannelBinding> _channelsByPeer = [];
    private readonly Dictionary<ushort, ChannelBinding> _channelsByNumber = [];
    private long _refreshAt;
    private bool _refreshing;
    private ushort _nextChannel = TurnChannelData.MinChannel;

    /// <summary>Refreshes the allocation now with <paramref name="lifetime"/> (default: the requested lifetime); returns the granted one.</summary>
    public async Task<TimeSpan> RefreshAsync(TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        var seconds = (uint)(lifetime ?? _options.RequestedLifetime).TotalSeconds;
        var bytes = await RequestAsync(StunMethod.Refresh, static (ref StunWriter w, object? s) => w.AddLifetime((uint)s!), seconds,
            _options.MaxTransmissions, _options.RetransmitTimeout, cancellationToken).ConfigureAwait(false);
        uint? granted;
        try
        {
            granted = StunMessage.TryRead(bytes, out var message) ? message.Lifetime : null;
        }
        catch (StunException ex)
        {
            throw new TurnException(TurnError.BadResponse, "Malformed Refresh response.", ex);
        }

        SetLifetime(granted ?? seconds);
        Interlocked.Increment(ref _refreshes);
        return Lifetime;
    }

    /// <summary>Installs (or refreshes) a permission for <paramref name="peer"/>; it is then refreshed automatically.</summary>
    public async Task CreatePermissionAsync(IPAddress peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_gate)
        {
            if (!_permissions.ContainsKey(peer) && _permissions.Count >= _options.MaxPermissions)
            {
                throw new TurnException(TurnError.LimitReached, $"More than {_options.MaxPermissions} permissions.");
            }

            _permissions.TryAdd(peer, new Permission());
        }

        await RequestAsync(StunMethod.CreatePermission, static (ref StunWriter w, object? s) => w.AddXorPeerAddress(PermissionEndPoint((IPAddress)s!)), peer,
            _options.MaxTransmissions, _options.RetransmitTimeout, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_permissions.TryGetValue(peer, out var p))
            {
                p.Installed = true;
                p.RefreshedAt = _time.GetTimestamp();
            }
        }
    }

    /// <summary>Binds (or re-binds, refreshing) a channel to <paramref name="peer"/>; afterwards <see cref="Send"/> uses ChannelData.</summary>
    public async Task<ushort> BindChannelAsync(IPEndPoint peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ChannelBinding binding;
        lock (_gate)
        {
            if (!_channelsByPeer.TryGetValue(peer, out binding!))
            {
                if (_channelsByPeer.Count >= _options.MaxChannels || _nextChannel > TurnChannelData.MaxChannel)
                {
                    throw new TurnException(TurnError.LimitReached, $"No channel left (limit {_options.MaxChannels}).");
                }

                binding = new ChannelBinding(_nextChannel++, peer);
                _channelsByPeer.Add(peer, binding);
                _channelsByNumber.Add(binding.Number, binding);
            }
        }

        await RequestAsync(
            StunMethod.ChannelBind,
            static (ref StunWriter w, object? s) =>
            {
                var b = (ChannelBinding)s!;
                w.AddChannelNumber(b.Number);
                w.AddXorPeerAddress(b.Peer);
            },
            binding,
            _options.MaxTransmissions,
            _options.RetransmitTimeout,
            cancellationToken).ConfigureAwait(false);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            binding.Bound = true;
            binding.RefreshedAt = now;
            if (_permissions.TryGetValue(peer.Address, out var p))
            {
                p.Installed = true;
                p.RefreshedAt = now;
            }
            else if (_permissions.Count < _options.MaxPermissions)
            {
                _permissions.Add(peer.Address, new Permission { Installed = true, RefreshedAt = now });
            }
        }

        return binding.Number;
    }

    /// <summary>Starts <see cref="CreatePermissionAsync"/> in the background unless the peer has (or is getting) one.</summary>
    public void EnsurePermission(IPAddress peer)
    {
        lock (_gate)
        {
            if (_disposed || _permissions.ContainsKey(peer))
            {
                return;
            }
        }

        _ = RunInBackgroundAsync(static (c, s, ct) => c.CreatePermissionAsync((IPAddress)s, ct), peer);
    }

    /// <summary>Starts <see cref="BindChannelAsync"/> in the background unless the peer has (or is getting) a channel.</summary>
    public void EnsureChannel(IPEndPoint peer)
    {
        lock (_gate)
        {
            if (_disposed || _channelsByPeer.ContainsKey(peer) || _channelsByPeer.Count >= _options.MaxChannels)
            {
                return;
            }
        }

        _ = RunInBackgroundAsync(static async (c, s, ct) => await c.BindChannelAsync((IPEndPoint)s, ct).ConfigureAwait(false), peer);
    }

    /// <summary>True when a channel to <paramref name="peer"/> is bound (sends use ChannelData).</summary>
    public bool HasChannel(IPEndPoint peer)
    {
        lock (_gate)
        {
            return _channelsByPeer.TryGetValue(peer, out var b) && b.Bound;
        }
    }

    private void OnTick()
    {
        var now = _time.GetTimestamp();
        var permissionAge = (long)(_options.PermissionRefreshInterval.TotalSeconds * _time.TimestampFrequency);
        var channelAge = (long)(_options.ChannelRefreshInterval.TotalSeconds * _time.TimestampFrequency);
        List<object>? due = null;
        var refresh = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (!_refreshing && now >= Interlocked.Read(ref _refreshAt))
            {
                _refreshing = refresh = true;
            }

            foreach (var (peer, p) in _permissions)
            {
                if (p.Installed && !p.Refreshing && now - p.RefreshedAt >= permissionAge)
                {
                    p.Refreshing = true;
                    (due ??= []).Add(peer);
                }
            }

            foreach (var b in _channelsByPeer.Values)
            {
                if (b.Bound && !b.Refreshing && now - b.RefreshedAt >= channelAge)
                {
                    b.Refreshing = true;
                    (due ??= []).Add(b);
                }
            }
        }

        if (refresh)
        {
            _ = RunInBackgroundAsync(static async (c, _, ct) =>
            {
                try
                {
                    await c.RefreshAsync(null, ct).ConfigureAwait(false);
                }
                finally
                {
                    lock (c._gate)
                    {
                        c._refreshing = false;
                    }
                }
            }, this);
        }

        foreach (var item in due ?? [])
        {
            _ = item is ChannelBinding b
                ? RunInBackgroundAsync(static async (c, s, ct) => await c.RefreshChannelAsync((ChannelBinding)s, ct).ConfigureAwait(false), b)
                : RunInBackgroundAsync(static async (c, s, ct) => await c.RefreshPermissionAsync((IPAddress)s, ct).ConfigureAwait(false), item);
        }
    }

    private async Task RefreshPermissionAsync(IPAddress peer, CancellationToken cancellationToken)
    {
        try
        {
            await CreatePermissionAsync(peer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (_permissions.TryGetValue(peer, out var p))
                {
                    p.Refreshing = false;
                }
            }
        }
    }

    private async Task RefreshChannelAsync(ChannelBinding binding, CancellationToken cancellationToken)
    {
        try
        {
            await BindChannelAsync(binding.Peer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                binding.Refreshing = false;
            }
        }
    }

    /// <summary>Runs a transaction off the caller's path; failures are counted (the next tick or the caller retries).</summary>
    private async Task RunInBackgroundAsync(Func<TurnClient, object, CancellationToken, Task> work, object state)
    {
        try
        {
            await work(this, state, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TurnException or OperationCanceledException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _backgroundFailures);
        }
    }

    private sealed class Permission
    {
        public bool Installed { get; set; }

        public bool Refreshing { get; set; }

        public long RefreshedAt { get; set; }
    }

    private sealed class ChannelBinding(ushort number, IPEndPoint peer)
    {
        public ushort Number { get; } = number;

        public IPEndPoint Peer { get; } = peer;

        /// <summary>Serialized once: what the receive path hands to the data handler.</summary>
        public System.Net.SocketAddress PeerAddress { get; } = peer.Serialize();

        public bool Bound { get; set; }

        public bool Refreshing { get; set; }

        public long RefreshedAt { get; set; }
    }
}
