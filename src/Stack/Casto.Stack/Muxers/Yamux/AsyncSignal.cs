using System.Threading.Tasks.Sources;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>
/// An auto-reset event for one waiter that allocates nothing per wait: <see cref="Set"/> wakes the pending
/// <see cref="WaitAsync"/>, or makes the next one complete at once. Continuations run on the thread pool,
/// so <see cref="Set"/> is safe to call while holding locks.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private readonly Lock _lock = new();
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _set;
    private bool _waiting;

    /// <summary>Waits for the next <see cref="Set"/> (or consumes one that already happened). One waiter at a time.</summary>
    public ValueTask WaitAsync()
    {
        lock (_lock)
        {
            if (_set)
            {
                _set = false;
                return ValueTask.CompletedTask;
            }

            _core.Reset();
            _waiting = true;
            return new ValueTask(this, _core.Version);
        }
    }

    /// <summary>Wakes the waiter, or the next one.</summary>
    public void Set()
    {
        lock (_lock)
        {
            if (!_waiting)
            {
                _set = true;
                return;
            }

            _waiting = false;
        }

        _core.SetResult(true);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
