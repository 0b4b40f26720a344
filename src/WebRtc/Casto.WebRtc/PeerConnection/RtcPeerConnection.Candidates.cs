// Spec: https://www.w3.org/TR/webrtc/#dom-peerconnection-addicecandidate, https://www.rfc-editor.org/rfc/rfc8838 (trickle ICE)
using Casto.WebRtc.Ice;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>Trickled remote candidates: the descriptions may arrive without candidates and get them one by one.</summary>
public sealed partial class RtcPeerConnection
{
    /// <summary>
    /// Adds a remote ICE candidate: the a=candidate value, with or without the "candidate:" prefix (as
    /// RTCIceCandidate.candidate carries it). Null or empty means end-of-candidates. Candidates we cannot use (TCP,
    /// mDNS names, another address family) are ignored like RFC 8445 §5.1.2 asks. Throws
    /// <see cref="PeerConnectionException"/>: InvalidState before a remote description, InvalidSdp when unparseable.
    /// </summary>
    public void AddIceCandidate(string? candidate)
    {
        IceAgent ice;
        lock (_gate)
        {
            ThrowIfClosed();
            if (_remote is null || _ice is null)
            {
                throw State("addIceCandidate needs a remote description first.");
            }

            ice = _ice;
        }

        if (string.IsNullOrWhiteSpace(candidate))
        {
            ice.AddRemoteEndOfCandidates();
            return;
        }

        string text = candidate.Trim();
        text = text.StartsWith("a=", StringComparison.Ordinal) ? text[2..] : text;
        text = text.StartsWith("candidate:", StringComparison.Ordinal) ? text : "candidate:" + text;
        SdpCandidate parsed;
        try
        {
            parsed = SdpCandidate.Parse(text);
        }
        catch (SdpException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "Unparseable ICE candidate: " + ex.Message, ex);
        }

        if (parsed.Component != 1)
        {
            return; // rtcp-mux: only component 1 is used
        }

        try
        {
            ice.AddRemoteCandidate(parsed);
        }
        catch (IceException ex) when (ex.Error == IceError.Closed)
        {
            throw new PeerConnectionException(PeerConnectionError.Closed, "ICE is closed: " + ex.Message, ex);
        }
        catch (Exception ex) when (ex is IceException or ArgumentException or FormatException)
        {
            // Unusable here (TCP, mDNS .local, other family, over the limit): ignored.
        }
    }
}
