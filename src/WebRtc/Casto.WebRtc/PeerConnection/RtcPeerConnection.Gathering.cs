// Spec: https://www.w3.org/TR/webrtc/#dom-rtcpeerconnection-onicecandidate, https://www.rfc-editor.org/rfc/rfc8445#section-5.1.1
using Casto.WebRtc.Ice;

namespace Casto.WebRtc.PeerConnection;

/// <summary>Candidate gathering: host candidates at once, server-reflexive and relayed ones from the configured servers.</summary>
public sealed partial class RtcPeerConnection
{
    /// <summary>A local candidate was gathered (W3C onicecandidate); raised during CreateOffer/CreateAnswer.</summary>
    public event EventHandler<Sdp.SdpCandidate>? IceCandidateGathered;

    /// <summary>Local gathering changed state (W3C onicegatheringstatechange); Complete is the end of candidates.</summary>
    public event EventHandler<IceGatheringState>? IceGatheringStateChanged;

    private IceAgent CreateIceAgent(IceRole role)
    {
        var ice = IceAgent.Create(role, IceOptions());
        ice.CandidateGathered += (_, candidate) => IceCandidateGathered?.Invoke(this, candidate.ToSdp());
        ice.GatheringStateChanged += (_, state) => IceGatheringStateChanged?.Invoke(this, state);
        return ice;
    }

    /// <summary>Gathers from the ICE servers (once); without servers the host candidates are all there is.</summary>
    private async Task GatherAsync(IceAgent ice, CancellationToken cancellationToken)
    {
        if (_options.IceServers.Count == 0)
        {
            return;
        }

        try
        {
            await ice.GatherAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IceException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.ConnectFailed, "Gathering ICE candidates failed: " + ex.Message, ex);
        }
    }
}
