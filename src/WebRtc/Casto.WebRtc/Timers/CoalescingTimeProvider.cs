// Spec: https://learn.microsoft.com/dotnet/api/system.timeprovider (TimeProvider.CreateTimer contract)
namespace Casto.WebRtc.Timers;

/// <summary>
/// A <see cref="TimeProvider"/> whose timers all run on one underlying timer ticking every <see cref="Resolution"/>:
/// give it to every peer connection of a host (<see cref="PeerConnection.RtcPeerConnectionOptions.TimeProvider"/>) and
/// their ICE, RTCP and liveness timers (three per connection) cost one system timer in total. Callbacks run one after
/// another on the tick's thread, up to one <see cref="Resolution"/> late, so they must be short (Casto's are). A
/// callback that throws is counted in <see cref="CallbackFaults"/> and does not stop the others. Clock readings come
/// from the inner provider.
/// </summary>
public sealed partial class CoalescingTimeProvider : TimeProvider, IDisposable
{
    private readonly TimeProvider _inner;
    private readonly ITimer _tick;
    private readonly Lock _gate = new();
    private readonly long _resolutionTicks;
    private Entry[] _entries = [];
    private long _faults;
    private int _running;

    /// <summary>Creates the provider; <paramref name="resolution"/> (1–100 ms, default 10 ms) is its tick.</summary>
    public CoalescingTimeProvider(TimeSpan? resolution = null, TimeProvider? inner = null)
    {
        Resolution = resolution ?? TimeSpan.FromMilliseconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(Resolution, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Resolution, TimeSpan.FromMilliseconds(100));
        _inner = inner ?? System;
        _resolutionTicks = (long)(Resolution.TotalSeconds * _inner.TimestampFrequency);
        _tick = _inner.CreateTimer(static s => ((CoalescingTimeProvider)s!).OnTick(), this, Resolution, Resolution);
    }

    /// <summary>How often due timers are looked for.</summary>
    public TimeSpan Resolution { get; }

    /// <summary>Timers alive now.</summary>
    public int TimerCount => Volatile.Read(ref _entries).Length;

    /// <summary>Callbacks that threw.</summary>
    public long CallbackFaults => Interlocked.Read(ref _faults);

    /// <inheritdoc/>
    public override long TimestampFrequency => _inner.TimestampFrequency;

    /// <inheritdoc/>
    public override long GetTimestamp() => _inner.GetTimestamp();

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var entry = new Entry(this, callback, state);
        entry.Change(dueTime, period);
        lock (_gate)
        {
            _entries = [.. _entries, entry];
        }

        return entry;
    }

    /// <summary>Stops the underlying timer: no callback runs afterwards.</summary>
    public void Dispose()
    {
        _tick.Dispose();
        lock (_gate)
        {
            _entries = [];
        }
    }

    private void Remove(Entry entry)
    {
        lock (_gate)
        {
            _entries = Array.FindAll(_entries, e => e != entry);
        }
    }

    /// <summary>Runs every due timer once; a tick that overlaps a slow previous one is skipped.</summary>
    private void OnTick()
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }

        try
        {
            long now = _inner.GetTimestamp();
            foreach (Entry entry in Volatile.Read(ref _entries))
            {
                if (!entry.TakeIfDue(now))
                {
                    continue;
                }

                try
                {
                    entry.Invoke();
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref _faults);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
