// Spec: https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (NACK), https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1 (PLI)
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtcp;

namespace Casto.Relay.Forwarding;

/// <summary>Children: added when connected, their NACKs and key frame requests routed to the tracks, removed on close.</summary>
public sealed partial class ForwardedStream
{
    /// <summary>
    /// Adds a connected child. It should keep no retransmission history of its own
    /// (<see cref="RtcPeerConnectionOptions.RetransmissionHistorySize"/> 0): its NACKs are answered from the stream's.
    /// The child receives the video as <see cref="RtcPeerConnection.Ssrc"/> and, when it negotiated audio, the audio as
    /// <see cref="RtcPeerConnection.AudioSsrc"/>. It is removed when it closes or fails, or by <see cref="RemoveSubscriber"/>.
    /// False when the stream is full. A tree child that had the same numbering from another parent gives
    /// <paramref name="resume"/> (its <see cref="ResumePoint"/>) and starts there rather than at a key frame.
    /// </summary>
    public bool TryAddSubscriber(RtcPeerConnection child, ResumePoint resume = default)
    {
        ArgumentNullException.ThrowIfNull(child);
        child.NackReceived += OnChildNack;
        child.KeyFrameRequested += OnChildKeyFrameRequest;
        child.ConnectionStateChanged += OnChildStateChanged;
        if (!_video.TryAdd(child, child.Ssrc, child.VideoPayloadType, resume.Video))
        {
            Unhook(child);
            return false;
        }

        if (child.AudioPayloadType >= 0)
        {
            _audio.TryAdd(child, child.AudioSsrc, child.AudioPayloadType, resume.Audio);
        }

        if (child.ConnectionState is RtcPeerConnectionState.Closed or RtcPeerConnectionState.Failed)
        {
            RemoveSubscriber(child); // it ended while being added
            return true;
        }

        Log.SubscriberAdded(_logger, Name, SubscriberCount);
        return true;
    }

    /// <summary>The newest video packet's RTP timestamp and its arrival (Unix µs, this node's wall clock); null before one. With the broadcaster's mapping of RTP time to its clock, the latency from there to here.</summary>
    public (uint RtpTimestamp, long ArrivedUnixMicros)? NewestVideo => _video.Newest;

    /// <summary>The video source's clock (its latest sender report), in the numbering it arrives with; null before one.</summary>
    internal Casto.WebRtc.Rtcp.RtpClockMapping? VideoSourceClock => _video.SourceClock;

    /// <summary>The next video and audio sequence numbers this stream wants from a new source of the same numbering (null where nothing came yet).</summary>
    public ResumePoint ResumePoint => new(_video.ResumePoint, _audio.ResumePoint);

    /// <summary>Removes a child (idempotent); it is not closed.</summary>
    public void RemoveSubscriber(RtcPeerConnection child)
    {
        ArgumentNullException.ThrowIfNull(child);
        Unhook(child);
        _video.Remove(child);
        _audio.Remove(child);
    }

    /// <summary>The stream's counters.</summary>
    public ForwardedStreamStats GetStats() => new(Name, Source is not null, _video.GetStats(), _audio.GetStats());

    private void Unhook(RtcPeerConnection child)
    {
        child.NackReceived -= OnChildNack;
        child.KeyFrameRequested -= OnChildKeyFrameRequest;
        child.ConnectionStateChanged -= OnChildStateChanged;
    }

    private void OnChildNack(RtcPeerConnection child, uint mediaSsrc, ReadOnlySpan<ushort> sequenceNumbers)
    {
        if (mediaSsrc == child.Ssrc)
        {
            _video.OnNack(child, sequenceNumbers);
        }
        else if (mediaSsrc == child.AudioSsrc)
        {
            _audio.OnNack(child, sequenceNumbers);
        }
    }

    private void OnChildKeyFrameRequest(object? sender, KeyFrameRequest request) => _video.RequestKeyFrame();

    private void OnChildStateChanged(object? sender, RtcPeerConnectionState state)
    {
        if (sender is RtcPeerConnection child && state is RtcPeerConnectionState.Closed or RtcPeerConnectionState.Failed)
        {
            RemoveSubscriber(child);
            Log.SubscriberRemoved(_logger, Name, state, SubscriberCount);
        }
    }
}

/// <summary>Where a tree child resumes: the next video and audio sequence numbers it needs (null: from a key frame).</summary>
/// <param name="Video">Next video sequence number, or null.</param>
/// <param name="Audio">Next audio sequence number, or null.</param>
public readonly record struct ResumePoint(ushort? Video, ushort? Audio);

/// <summary>Counters of one forwarded stream.</summary>
/// <param name="Name">The stream.</param>
/// <param name="HasSource">Whether a source is attached.</param>
/// <param name="Video">The video track's counters.</param>
/// <param name="Audio">The audio track's counters.</param>
public readonly record struct ForwardedStreamStats(string Name, bool HasSource, ForwardingTrackStats Video, ForwardingTrackStats Audio);
