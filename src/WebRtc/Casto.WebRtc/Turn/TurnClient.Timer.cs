// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-7.2 (Refresh before the lifetime ends), §9.1 and §12.2 (refreshing
// permissions and channels before 300 s / 600 s)
using System.Net;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Turn;

/// <summary>The allocation Refresh and the maintenance timer that keeps allocation, permissions and channels alive.</summary>
internal sealed partial class TurnClient
{
    private long _refreshAt;
    private long _expiresAt;
    private bool _refreshing;
    private bool _lost;

    /// <summary>Raised once when the allocation is gone (Refresh answered 437, or unanswered until it expired); the relay is dead.</summary>
    public event EventHandler<TurnException>? AllocationLost;

    /// <summary>True once <see cref="AllocationLost"/> was raised.</summary>
    public bool IsLost
    {
        get
        {
            lock (_gate)
            {
                return _lost;
            }
        }
    }

    private void OnAllocationLost(TurnException reason)
    {
        lock (_gate)
        {
            if (_lost || _disposed)
            {
                return;
            }

            _lost = true;
        }

        AllocationLost?.Invoke(this, reason);
    }

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

    private void OnTick()
    {
        var now = _time.GetTimestamp();
        var permissionAge = (long)(_options.PermissionRefreshInterval.TotalSeconds * _time.TimestampFrequency);
        var channelAge = (long)(_options.ChannelRefreshInterval.TotalSeconds * _time.TimestampFrequency);
        List<object>? due = null;
        var refresh = false;
        lock (_gate)
        {
            if (_disposed || _lost)
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
                catch (TurnException ex) when (ex.Error == TurnError.AllocationMismatch
                    || (ex.Error == TurnError.Timeout && c._time.GetTimestamp() >= Interlocked.Read(ref c._expiresAt)))
                {
                    c.OnAllocationLost(ex); // 437, or unanswered until the allocation expired (a timeout before that is retried next tick)
                    throw;
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
}
