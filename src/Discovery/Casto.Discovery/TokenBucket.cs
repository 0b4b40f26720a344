namespace Casto.Discovery;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: <c>ratePerSecond</c> tokens per second, holding at most
/// <c>burst</c> (and starting full). Not thread-safe: one reader at a time. Shared by the mDNS packet and response
/// limits and the signal server's per-peer message limit.
/// </summary>
internal sealed class TokenBucket(TimeProvider time, double ratePerSecond, int burst)
{
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Takes one token; false when the bucket is empty.</summary>
    public bool TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * ratePerSecond));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }

    /// <summary>Takes one token and returns zero, or, when the bucket is empty, how long until one is there (taking none).</summary>
    public TimeSpan TimeUntilToken()
    {
        if (TryTake())
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromSeconds(Math.Max((1 - _tokens) / ratePerSecond, 0.001));
    }
}
