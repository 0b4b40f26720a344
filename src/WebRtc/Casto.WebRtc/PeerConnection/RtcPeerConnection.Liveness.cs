// Spec: https://www.w3.org/TR/webrtc/#rtcpeerconnectionstate-enum ("disconnected"), https://www.rfc-editor.org/rfc/rfc7675#section-5.1 (consent),
//       https://www.rfc-editor.org/rfc/rfc3550#section-6.6 (BYE)
namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// Peer loss: connected ⇄ disconnected when media stops arriving (<see cref="RtcPeerConnectionOptions.MediaTimeout"/>,
/// checked on the RTCP feedback tick) or ICE consent goes unanswered; failed when consent expires. Receive times and BYE.
/// </summary>
public sealed partial class RtcPeerConnection
{
    private long _lastRtp;
    private long _lastRtcp;
    private int _mediaStalled;
    private int _iceDisconnected;

    /// <summary>The peer sent an RTCP BYE (it is leaving, or one of its sources ended); the argument is its SSRC.</summary>
    public event EventHandler<uint>? ByeReceived;

    /// <summary>Time since the last RTP packet arrived, or null before the first.</summary>
    public TimeSpan? TimeSinceLastRtp => Since(Volatile.Read(ref _lastRtp));

    /// <summary>Time since the last RTCP packet arrived, or null before the first.</summary>
    public TimeSpan? TimeSinceLastRtcp => Since(Volatile.Read(ref _lastRtcp));

    private TimeSpan? Since(long timestamp) => timestamp == 0 ? null : _options.TimeProvider.GetElapsedTime(timestamp);

    /// <summary>Hook (receive path, per RTP packet): a volatile write; the slow path only when recovering.</summary>
    private void NoteMediaReceived()
    {
        Volatile.Write(ref _lastRtp, _options.TimeProvider.GetTimestamp());
        if (Volatile.Read(ref _mediaStalled) != 0 && Interlocked.Exchange(ref _mediaStalled, 0) != 0)
        {
            Reconnect();
        }
    }

    private void NoteRtcpReceived() => Volatile.Write(ref _lastRtcp, _options.TimeProvider.GetTimestamp());

    /// <summary>Hook (RTCP feedback tick): media that was flowing and stopped makes the connection disconnected.</summary>
    private void CheckMediaTimeout()
    {
        long last = Volatile.Read(ref _lastRtp);
        if (last == 0 || _options.MediaTimeout == Timeout.InfiniteTimeSpan || Volatile.Read(ref _mediaStalled) != 0
            || _options.TimeProvider.GetElapsedTime(last) < _options.MediaTimeout)
        {
            return;
        }

        Interlocked.Exchange(ref _mediaStalled, 1);
        Log.MediaStalled(_logger, _streamId, _options.MediaTimeout.TotalMilliseconds);
        SetState(RtcPeerConnectionState.Disconnected, from: RtcPeerConnectionState.Connected);
    }

    private void OnIceDisconnected()
    {
        Interlocked.Exchange(ref _iceDisconnected, 1);
        SetState(RtcPeerConnectionState.Disconnected, from: RtcPeerConnectionState.Connected);
    }

    private void OnIceRecovered()
    {
        if (Interlocked.Exchange(ref _iceDisconnected, 0) != 0)
        {
            Reconnect();
        }
    }

    /// <summary>Back to connected from disconnected once neither cause holds.</summary>
    private void Reconnect()
    {
        if (Volatile.Read(ref _mediaStalled) == 0 && Volatile.Read(ref _iceDisconnected) == 0)
        {
            SetState(RtcPeerConnectionState.Connected, from: RtcPeerConnectionState.Disconnected);
        }
    }

    private void OnBye(object? sender, uint ssrc) => ByeReceived?.Invoke(this, ssrc);
}
