namespace Casto.Discovery.Signal;

/// <summary>A token bucket over <see cref="TimeProvider"/> timestamps; used by one reader at a time.</summary>
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
}
