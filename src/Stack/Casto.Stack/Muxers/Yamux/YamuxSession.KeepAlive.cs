namespace Casto.Stack.Muxers.Yamux;

/// <summary>
/// Pings: one when the session starts (to learn the round-trip time, like js-libp2p), then one every
/// <see cref="YamuxOptions.KeepAliveInterval"/>; an answer missing for <see cref="YamuxOptions.KeepAliveTimeout"/>
/// fails the session. The round-trip time drives receive-window growth (<see cref="YamuxStream"/>).
/// </summary>
internal sealed partial class YamuxSession
{
    private ITimer? _keepAliveTimer;
    private ITimer? _pingTimeoutTimer;
    private uint _pingOpaque;
    private bool _pingOutstanding;
    private long _pingStarted;
    private long _rtt = -1; // in TimeProvider timestamp units; -1 until the first pong

    /// <summary>The last measured round-trip time in <see cref="TimeProvider"/> timestamp units, or -1 if none yet.</summary>
    internal long RttTimestamp => Volatile.Read(ref _rtt);

    /// <summary>The last measured round-trip time, if any.</summary>
    internal TimeSpan? Rtt => RttTimestamp is var rtt and >= 0 ? TimeSpan.FromSeconds((double)rtt / Time.TimestampFrequency) : null;

    private bool KeepAliveEnabled => Options.KeepAliveInterval != Timeout.InfiniteTimeSpan;

    private void StartKeepAlive()
    {
        if (KeepAliveEnabled)
        {
            lock (_lock)
            {
                _pingTimeoutTimer = Time.CreateTimer(
                    static state => ((YamuxSession)state!).OnPingTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _keepAliveTimer = Time.CreateTimer(
                    static state => ((YamuxSession)state!).SendPing(), this, Options.KeepAliveInterval, Options.KeepAliveInterval);
            }
        }

        SendPing();
    }

    private void StopKeepAlive()
    {
        lock (_lock)
        {
            _keepAliveTimer?.Dispose();
            _pingTimeoutTimer?.Dispose();
        }
    }

    /// <summary>Sends a ping unless one is still unanswered.</summary>
    private void SendPing()
    {
        lock (_lock)
        {
            if (_shutdown || _pingOutstanding)
            {
                return;
            }

            _pingOpaque++;
            if (!TryEnqueueControlLocked(new YamuxHeader(YamuxFrameType.Ping, YamuxFlags.Syn, 0, _pingOpaque)))
            {
                return; // the answers to the remote's own requests are stuck already; try again next time
            }

            _pingOutstanding = true;
            _pingStarted = Time.GetTimestamp();

            // Armed under the lock, so the pong cannot be handled before the timer is set.
            _pingTimeoutTimer?.Change(Options.KeepAliveTimeout, Timeout.InfiniteTimeSpan);
        }

        WriteSignal.Set();
    }

    private void OnPong(uint opaque)
    {
        TimeSpan rtt;
        lock (_lock)
        {
            if (!_pingOutstanding || opaque != _pingOpaque)
            {
                return; // not an answer to our current ping: ignore it
            }

            _pingOutstanding = false;
            _pingTimeoutTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            var now = Time.GetTimestamp();
            Volatile.Write(ref _rtt, now - _pingStarted);
            rtt = Time.GetElapsedTime(_pingStarted, now);
        }

        Log.RttMeasured(_logger, rtt);
    }

    private void OnPingTimeout()
    {
        lock (_lock)
        {
            if (_shutdown || !_pingOutstanding || Time.GetElapsedTime(_pingStarted) < Options.KeepAliveTimeout)
            {
                return; // a stale timer firing
            }
        }

        Shutdown(
            new YamuxException(YamuxError.Timeout, $"The remote did not answer a keep-alive ping within {Options.KeepAliveTimeout}."),
            YamuxGoAwayCode.Normal);
    }
}
