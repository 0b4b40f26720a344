namespace Casto.Stack.Hosting;

/// <content>
/// The connection manager (<see cref="ConnectionManagerOptions"/>): closes connections idle for the idle timeout, and
/// above the high watermark trims down to the low one, idle and longest-unused first. Protected peers and connections
/// in their grace period are never closed. A close is a go-away: open streams get the drain timeout to finish.
/// </content>
public sealed partial class CastoHost
{
    private readonly Lock _trimGate = new();
    private ITimer? _trimTimer;
    private long _trimmed;

    /// <summary>Connections the connection manager has closed (idle, or above the high watermark).</summary>
    public long TrimmedConnections => Interlocked.Read(ref _trimmed);

    private void StartTrimTimer()
    {
        var interval = Options.ConnectionManager.CheckInterval;
        _trimTimer = Options.TimeProvider.CreateTimer(static state => ((CastoHost)state!).TrimConnections(), this, interval, interval);
    }

    /// <summary>After a connection registered: trims at once when the high watermark is passed.</summary>
    private void TrimIfAboveHighWater()
    {
        if (_connections.Count > Options.ConnectionManager.HighWater)
        {
            TrimConnections();
        }
    }

    /// <summary>One check: closes idle connections, then trims to the low watermark if above the high one. Returns how many it closed.</summary>
    internal int TrimConnections()
    {
        if (_stopping.IsCancellationRequested)
        {
            return 0;
        }

        var closing = new List<(PeerConnection Connection, string Reason)>();
        lock (_trimGate)
        {
            SelectToClose(closing);
        }

        foreach (var (connection, reason) in closing)
        {
            Interlocked.Increment(ref _trimmed);
            Log.ConnectionTrimmed(connection.RemotePeer, reason, connection.OpenStreams);
            lock (_background)
            {
                _background.Add(CloseTrimmedAsync(connection));
            }
        }

        return closing.Count;
    }

    private void SelectToClose(List<(PeerConnection Connection, string Reason)> closing)
    {
        var options = Options.ConnectionManager;
        var clock = Options.TimeProvider;
        var now = clock.GetTimestamp();
        var live = 0;
        var candidates = new List<(PeerConnection Connection, bool Busy, long LastActivity)>();
        foreach (var connection in _connections.Keys)
        {
            if (connection.IsClosing)
            {
                continue;
            }

            live++;
            if (clock.GetElapsedTime(connection.OpenedAt, now) < options.GracePeriod || IsProtected(connection.RemotePeer))
            {
                continue;
            }

            var (busy, lastActivity) = (connection.OpenStreams > 0, connection.LastActivity);
            if (!busy && options.IdleTimeoutEnabled && clock.GetElapsedTime(lastActivity, now) >= options.IdleTimeout!.Value)
            {
                Close(connection, "idle");
                live--;
            }
            else
            {
                candidates.Add((connection, busy, lastActivity));
            }
        }

        if (live <= options.HighWater)
        {
            return;
        }

        // Connections without streams first, then the longest unused.
        candidates.Sort((x, y) => x.Busy != y.Busy ? x.Busy.CompareTo(y.Busy) : x.LastActivity.CompareTo(y.LastActivity));
        foreach (var (connection, _, _) in candidates)
        {
            if (live <= options.LowWater)
            {
                break;
            }

            Close(connection, "above the high watermark");
            live--; // closing now, by us or by whoever got there first
        }

        void Close(PeerConnection connection, string reason)
        {
            if (connection.TryBeginClosing())
            {
                closing.Add((connection, reason));
            }
        }
    }

    private async Task CloseTrimmedAsync(PeerConnection connection)
    {
        try
        {
            using var drain = new CancellationTokenSource(Options.ConnectionManager.DrainTimeout, Options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(drain.Token, _stopping.Token);
            await connection.CloseAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // streams still open after the drain timeout were cut, or the session had already failed
        }
    }
}
