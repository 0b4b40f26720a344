namespace Casto.TreeSim;

/// <summary>
/// A virtual clock for thousands of timers: due timers live in priority queues (FakeTimeProvider scans a list on every
/// wake, which at 10,000 nodes costs more than the simulation itself), sharded so that timers made and disposed on
/// many threads at once (every delayed chunk is one) do not all wait for one lock; disposing takes none. Time moves
/// only in <see cref="Advance"/>; callbacks run on the thread pool, like real timers.
/// </summary>
internal sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private const int Shards = 16;
    private readonly Shard[] _shards = [.. Enumerable.Range(0, Shards).Select(_ => new Shard())];
    private readonly List<(VirtualTimer Timer, long Version, long At)> _firing = [];
    private long _now; // ticks since start
    private int _nextShard;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Volatile.Read(ref _now);

    public override DateTimeOffset GetUtcNow() => start.AddTicks(Volatile.Read(ref _now));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var shard = _shards[(uint)Interlocked.Increment(ref _nextShard) % Shards];
        var timer = new VirtualTimer(this, shard, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public int PendingTimers => _shards.Sum(s =>
    {
        lock (s.Gate)
        {
            return s.Due.Count;
        }
    });

    /// <summary>Moves time on by <paramref name="span"/>, firing (queueing) every timer due by then, in order. One caller at a time.</summary>
    public void Advance(TimeSpan span)
    {
        long until = Volatile.Read(ref _now) + span.Ticks;
        while (true)
        {
            _firing.Clear();
            foreach (Shard shard in _shards)
            {
                lock (shard.Gate)
                {
                    while (shard.Due.TryPeek(out var next, out long at) && at <= until)
                    {
                        shard.Due.Dequeue();
                        if (next.Version == next.Timer.Version)
                        {
                            _firing.Add((next.Timer, next.Version, at));
                        }
                    }
                }
            }

            if (_firing.Count == 0)
            {
                break;
            }

            _firing.Sort(static (a, b) => a.At.CompareTo(b.At));
            foreach (var (timer, version, at) in _firing)
            {
                if (timer.Rearm(version, at))
                {
                    Volatile.Write(ref _now, Math.Max(Volatile.Read(ref _now), at));
                    ThreadPool.UnsafeQueueUserWorkItem(static t => t.Fire(), timer, preferLocal: false);
                }
            }
        }

        Volatile.Write(ref _now, until);
    }

    private sealed class Shard
    {
        public readonly Lock Gate = new();
        public readonly PriorityQueue<(VirtualTimer Timer, long Version), long> Due = new();
    }

    private sealed class VirtualTimer(VirtualClock clock, Shard shard, TimerCallback callback, object? state) : ITimer
    {
        private long _version;
        private long _period = -1;

        public long Version => Volatile.Read(ref _version);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (shard.Gate)
            {
                long version = Interlocked.Increment(ref _version);
                _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? -1 : period.Ticks;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    shard.Due.Enqueue((this, version), Volatile.Read(ref clock._now) + Math.Max(0, dueTime.Ticks));
                }
            }

            return true;
        }

        /// <summary>As it fires: false when changed or disposed since it was taken off the queue; periodic timers come round again.</summary>
        public bool Rearm(long version, long firedAt)
        {
            lock (shard.Gate)
            {
                if (Volatile.Read(ref _version) != version)
                {
                    return false;
                }

                if (_period > 0)
                {
                    shard.Due.Enqueue((this, version), firedAt + _period);
                }
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => Interlocked.Increment(ref _version); // its queued entries no longer match: skipped

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
