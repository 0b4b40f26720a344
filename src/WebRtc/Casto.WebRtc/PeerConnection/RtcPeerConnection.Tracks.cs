// Spec: https://www.w3.org/TR/webrtc/#event-track (ontrack), https://www.rfc-editor.org/rfc/rfc8843#section-9.2 (demultiplexing by SSRC/PT)
using System.Buffers.Binary;

namespace Casto.WebRtc.PeerConnection;

/// <summary>A remote track: what arrives on one SSRC, identified by the negotiated payload type's kind.</summary>
/// <param name="Kind">"video" or "audio" (by negotiated payload type), or "unknown".</param>
/// <param name="Ssrc">The sender's SSRC.</param>
/// <param name="PayloadType">The payload type of its first packet.</param>
public sealed record RtcRemoteTrack(string Kind, uint Ssrc, int PayloadType);

/// <summary>Remote tracks appear (like W3C ontrack) when the first packet of a new SSRC arrives.</summary>
public sealed partial class RtcPeerConnection
{
    /// <summary>Remote SSRCs remembered as tracks at most; packets of further SSRCs still flow, without an event.</summary>
    private const int MaxRemoteTracks = 16;

    private readonly Dictionary<uint, RtcRemoteTrack> _remoteTracks = [];

    /// <summary>Raised on the receive thread before the first packet of a new remote SSRC is queued.</summary>
    public event EventHandler<RtcRemoteTrack>? TrackReceived;

    /// <summary>The remote tracks seen so far.</summary>
    public IReadOnlyList<RtcRemoteTrack> RemoteTracks
    {
        get
        {
            lock (_remoteTracks)
            {
                return [.. _remoteTracks.Values];
            }
        }
    }

    /// <summary>Hook (receive, one thread): notes a new SSRC; a dictionary lookup per packet, no allocation.</summary>
    private void NoteRemoteTrack(ReadOnlySpan<byte> rtp)
    {
        if (rtp.Length < 12)
        {
            return;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(rtp[8..]);
        int payloadType = rtp[1] & 0x7F;
        RtcRemoteTrack track;
        lock (_remoteTracks)
        {
            if (_remoteTracks.ContainsKey(ssrc) || _remoteTracks.Count >= MaxRemoteTracks)
            {
                return;
            }

            string kind = payloadType == VideoPayloadType ? "video" : payloadType == AudioPayloadType ? "audio" : "unknown";
            track = new RtcRemoteTrack(kind, ssrc, payloadType);
            _remoteTracks.Add(ssrc, track);
        }

        TrackReceived?.Invoke(this, track);
    }
}
