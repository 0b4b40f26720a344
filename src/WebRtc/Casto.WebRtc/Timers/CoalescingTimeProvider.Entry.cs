namespace Casto.WebRtc.Timers;

/// <summary>One timer of a <see cref="CoalescingTimeProvider"/>: a due time and a period in timestamp ticks.</summary>
public sealed partial class CoalescingTimeProvider
{
    private sealed class Entry(CoalescingTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private const long Never = long.MaxValue;
        private readonly Lock _gate = new();
        private long _due = Never;
        private long _period;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            long frequency = owner.TimestampFrequency;
            lock (_gate)
            {
                if (_due == long.MinValue)
                {
                    return false; // disposed
                }

                _due = dueTime == Timeout.InfiniteTimeSpan ? Never : owner.GetTimestamp() + (long)(dueTime.TotalSeconds * frequency);
                _period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero
                    ? 0
                    : Math.Max(owner._resolutionTicks, (long)(period.TotalSeconds * frequency));
                return true;
            }
        }

        /// <summary>True when due (its next due time is then advanced by the period, or it is disarmed).</summary>
        public bool TakeIfDue(long now)
        {
            lock (_gate)
            {
                if (_due == long.MinValue || _due == Never || now < _due)
                {
                    return false;
                }

                long next = _due + _period;
                _due = _period == 0 ? Never : next > now ? next : now + _period; // late: no burst of catch-up runs
                return true;
            }
        }

        public void Invoke() => callback(state);

        public void Dispose()
        {
            lock (_gate)
            {
                _due = long.MinValue;
            }

            owner.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
