namespace Casto.Testing;

/// <summary>A fake clock with timers: time moves (and timers fire, on the caller's thread) only through <see cref="Advance"/>.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    /// <summary>Time elapsed since the clock was created.</summary>
    public TimeSpan Now => TimeSpan.FromTicks(GetTimestamp());

    /// <summary>Same as <see cref="Now"/>.</summary>
    public TimeSpan Elapsed => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    /// <summary>Moves the clock forward, firing due timers in time order.</summary>
    public void Advance(TimeSpan by)
    {
        var target = GetTimestamp() + by.Ticks;
        while (true)
        {
            ManualTimer? next = null;
            lock (_gate)
            {
                foreach (var t in _timers)
                {
                    if (t.Due >= 0 && t.Due <= target && (next is null || t.Due < next.Due))
                    {
                        next = t;
                    }
                }

                if (next is null)
                {
                    Interlocked.Exchange(ref _ticks, target);
                    return;
                }

                Interlocked.Exchange(ref _ticks, Math.Max(_ticks, next.Due));
                next.Due = next.Period > 0 ? next.Due + next.Period : -1;
            }

            next.Fire();
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long Due { get; set; } = -1;

        public long Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime == Timeout.InfiniteTimeSpan ? -1 : owner.GetTimestamp() + dueTime.Ticks;
            Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            return true;
        }

        public void Dispose()
        {
            Due = -1;
            owner.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
