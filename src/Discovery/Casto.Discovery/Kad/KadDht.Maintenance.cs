namespace Casto.Discovery.Kad;

/// <content>Periodic work on the injected clock: expiry, bucket refresh, republishing our provider records.</content>
public sealed partial class KadDht
{
    /// <summary>How often maintenance runs: the refresh interval, at most hourly (js cleans providers hourly).</summary>
    private TimeSpan MaintenancePeriod => _options.RefreshInterval < TimeSpan.FromHours(1) ? _options.RefreshInterval : TimeSpan.FromHours(1);

    private async Task MaintainLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(MaintenancePeriod, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                await MaintainAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                _log.MaintenanceFailed(ex.Message);
            }
        }
    }

    /// <summary>One maintenance pass: drop expired records, refresh stale buckets, republish what is due.</summary>
    internal async ValueTask MaintainAsync(CancellationToken cancellationToken)
    {
        _providers.Prune();
        _records.Prune();
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        var now = _options.TimeProvider.GetUtcNow();
        List<Stack.Multiformats.Cid> due;
        lock (_providedLock)
        {
            due = [.. _provided.Values.Where(p => now - p.Provided >= _options.ProviderRepublishInterval).Select(p => p.Cid)];
        }

        foreach (var cid in due)
        {
            await ProvideAsync(cid, null, cancellationToken).ConfigureAwait(false);
        }
    }
}
