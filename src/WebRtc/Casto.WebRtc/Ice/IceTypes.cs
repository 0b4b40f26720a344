// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-6.1.1 (roles), §6.1.2.6 (pair states); states as in W3C RTCIceConnectionState
namespace Casto.WebRtc.Ice;

/// <summary>The agent's role (RFC 8445 §6.1.1). The controlling agent nominates; an ICE-lite agent is always controlled.</summary>
internal enum IceRole
{
    Controlling,
    Controlled,
}

/// <summary>Connection state of the agent, raised through <see cref="IceAgent.StateChanged"/>.</summary>
internal enum IceConnectionState
{
    /// <summary>Created; checks have not started.</summary>
    New,
    /// <summary>Checks are running (or, for ICE-lite, the agent waits for checks); no usable pair yet.</summary>
    Checking,
    /// <summary>At least one pair is validated; data may flow; nothing is selected yet.</summary>
    Connected,
    /// <summary>A pair is nominated and selected.</summary>
    Completed,
    /// <summary>All checks failed, the checks timed out, or consent expired (RFC 7675 §5.1). Terminal.</summary>
    Failed,
    /// <summary>Consent responses are overdue on the selected pair; may recover to <see cref="Completed"/>.</summary>
    Disconnected,
    /// <summary>The agent was disposed. Terminal.</summary>
    Closed,
}

/// <summary>Candidate pair state (RFC 8445 §6.1.2.6). Frozen is not used: with one component every pair starts Waiting.</summary>
internal enum IcePairState
{
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}

/// <summary>Which local candidates are used (W3C RTCIceTransportPolicy).</summary>
public enum IceTransportPolicy
{
    /// <summary>Host, server-reflexive and relayed candidates.</summary>
    All,

    /// <summary>Only relayed (TURN) candidates: the peer never learns our addresses.</summary>
    Relay,
}

/// <summary>Candidate gathering state (W3C RTCIceGatheringState), raised through <see cref="IceAgent.GatheringStateChanged"/>.</summary>
public enum IceGatheringState
{
    /// <summary>Nothing gathered yet.</summary>
    New,

    /// <summary>Asking the STUN/TURN servers.</summary>
    Gathering,

    /// <summary>Every server answered or gave up: end-of-candidates.</summary>
    Complete,
}
