namespace Casto.Relay.Forwarding;

/// <summary>
/// What a stream sends its children per second, from its video counters between two readings: packets out × the mean
/// size of the packets that came in over the same interval (forwarding does not change payload sizes). Not thread-safe.
/// </summary>
public sealed class UploadMeter
{
    private long _packetsOut;
    private long _packetsIn;
    private long _bytesIn;
    private long _at;

    /// <summary>kbit/s since the previous reading (0 the first time), from <paramref name="video"/> read at <paramref name="timestamp"/> (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public double Read(ForwardingTrackStats video, long timestamp, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        double seconds = _at == 0 ? 0 : time.GetElapsedTime(_at, timestamp).TotalSeconds;
        long packets = video.PacketsOut - _packetsOut;
        double meanSize = video.PacketsIn > _packetsIn ? (double)(video.BytesIn - _bytesIn) / (video.PacketsIn - _packetsIn) : 0;
        (_packetsOut, _packetsIn, _bytesIn, _at) = (video.PacketsOut, video.PacketsIn, video.BytesIn, timestamp);
        return seconds > 0 ? Math.Round(packets * meanSize * 8 / 1000 / seconds, 1) : 0;
    }
}
