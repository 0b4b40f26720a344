using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Forwarding;

/// <summary>Where a child is in joining a track.</summary>
internal enum TrackSubscriberState
{
    /// <summary>No usable key frame is cached: the child starts at the next one.</summary>
    WaitingForKeyFrame,

    /// <summary>Replaying the cached group of pictures from <see cref="TrackSubscriber.Cursor"/> towards the live edge.</summary>
    CatchingUp,

    /// <summary>Every new upstream packet goes straight to the child.</summary>
    Live,
}

/// <summary>One child on one track: its connection, its numbering and how far it has joined. Guarded by the track's lock.</summary>
internal sealed class TrackSubscriber(RtcPeerConnection connection, RtpMunger munger)
{
    public RtcPeerConnection Connection { get; } = connection;

    public RtpMunger Munger { get; } = munger;

    public TrackSubscriberState State { get; set; }

    /// <summary>The next upstream sequence number to replay while catching up.</summary>
    public ushort Cursor { get; set; }
}
