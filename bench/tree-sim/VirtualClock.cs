namespace Casto.TreeSim;

/// <summary>
/// A virtual clock for thousands of timers: due timers live in a priority queue (FakeTimeProvider scans a list on
/// every wake, which at 10,000 nodes costs more than the simulation itself). Time moves only in <see cref="Advance"/>;
/// callbacks run on the thread pool, like real timers.
/// </summary>
internal sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<(VirtualTimer Timer, long Version), long> _due = new();
    private long _now; // ticks since start

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Volatile.Read(ref _now);

    public override DateTimeOffset GetUtcNow() => start.AddTicks(Volatile.Read(ref _now));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _due.Count;
            }
        }
    }

    /// <summary>Moves time on by <paramref name="span"/>, firing (queueing) every timer due by then, in order.</summary>
    public void Advance(TimeSpan span)
    {
        long until = Volatile.Read(ref _now) + span.Ticks;
        while (true)
        {
            VirtualTimer timer;
            lock (_gate)
            {
                if (!_due.TryPeek(out var next, out long at) || at > until)
                {
                    break;
                }

                _due.Dequeue();
                if (next.Version != next.Timer.Version)
                {
                    continue; // changed or disposed since
                }

                Volatile.Write(ref _now, Math.Max(_now, at));
                timer = next.Timer;
                timer.Rearm(at);
            }

            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Fire(), timer, preferLocal: false);
        }

        Volatile.Write(ref _now, until);
    }

    private sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period = -1;

        public long Version { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            long version;
            lock (clock._gate)
            {
                version = ++Version;
                _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? -1 : period.Ticks;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                clock._due.Enqueue((this, version), clock._now + Math.Max(0, dueTime.Ticks));
            }

            return true;
        }

        /// <summary>Under the clock's lock, as it fires: periodic timers come round again.</summary>
        public void Rearm(long firedAt)
        {
            if (_period > 0)
            {
                clock._due.Enqueue((this, Version), firedAt + _period);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                Version++;
                _period = -1;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
