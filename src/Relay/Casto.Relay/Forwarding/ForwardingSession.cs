using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Forwarding;

/// <summary>A publisher or subscriber session of a <see cref="ForwardingNode"/> (a WHIP/WHEP resource).</summary>
public sealed class ForwardingSession
{
    internal ForwardingSession(string id, string stream, bool isPublisher, RtcPeerConnection connection, string answer)
    {
        Id = id;
        Stream = stream;
        IsPublisher = isPublisher;
        Connection = connection;
        Answer = answer;
    }

    /// <summary>The session's id (the last segment of its resource URL).</summary>
    public string Id { get; }

    /// <summary>The stream it publishes or watches.</summary>
    public string Stream { get; }

    /// <summary>True for a publisher (WHIP), false for a subscriber (WHEP).</summary>
    public bool IsPublisher { get; }

    /// <summary>The SDP answer to the session's offer, with all our candidates.</summary>
    public string Answer { get; }

    /// <summary>The session's peer connection.</summary>
    public RtcPeerConnection Connection { get; }

    /// <summary>Set once the session has ended (guarded by the node's lock).</summary>
    internal bool Ended { get; set; }

    /// <summary>A pulled source that replaces the current one only once connected.</summary>
    internal bool AttachWhenConnected { get; set; }

    /// <summary>The pulled source carries the current one's numbering.</summary>
    internal bool ContinuesNumbering { get; init; }

    /// <summary>Where a tree child starts (default: at a key frame).</summary>
    internal ResumePoint Resume { get; init; }

    /// <summary>True while counted as a pending handshake (guarded by the node's lock).</summary>
    internal bool Pending { get; set; } = true;
}
