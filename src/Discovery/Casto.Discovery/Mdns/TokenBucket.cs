namespace Casto.Discovery.Mdns;

/// <summary>A token bucket on a <see cref="TimeProvider"/>: <c>rate</c> tokens per second, holding at most <c>rate</c>. Not thread-safe.</summary>
internal sealed class TokenBucket(TimeProvider time, int rate)
{
    private double _tokens = rate;
    private long _last = time.GetTimestamp();

    public bool TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(rate, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * rate));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
