// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-6.1.2 (checklist), §7.2.5 (check outcomes)

namespace Casto.WebRtc.Ice;

/// <summary>A local/remote candidate pair and the state of its connectivity check. Guarded by the agent's lock.</summary>
internal sealed class IceCandidatePair
{
    public IceCandidatePair(IceBase local, IceCandidate remote)
    {
        Local = local.Candidate;
        Base = local;
        Remote = remote;
    }

    private IcePairState _state = IcePairState.Waiting;
    private bool _valid;

    public IceCandidate Local { get; }

    public IceCandidate Remote { get; }

    /// <summary>Where checks and data for this pair are sent from (a host socket or a TURN allocation).</summary>
    internal IceBase Base { get; }

    /// <summary>Pair priority for the current role (RFC 8445 §6.1.2.3).</summary>
    public ulong Priority { get; private set; }

    /// <summary>The check state. Re-checking a valid pair (nomination, consent) does not take it off the valid list.</summary>
    public IcePairState State
    {
        get => _state;
        internal set
        {
            _state = value;
            _valid = value switch
            {
                IcePairState.Succeeded => true,
                IcePairState.Failed => false,
                _ => _valid,
            };
        }
    }

    /// <summary>True once a check on this pair succeeded and it has not failed since (RFC 8445 §7.2.5.3.2 valid list).</summary>
    public bool IsValid => _valid;

    /// <summary>Nominated: our USE-CANDIDATE check succeeded (controlling) or the peer's USE-CANDIDATE arrived (controlled).</summary>
    public bool Nominated { get; internal set; }

    /// <summary>Controlled: the peer sent USE-CANDIDATE before our own check succeeded.</summary>
    internal bool RemoteNominated { get; set; }

    /// <summary>Controlling: the check in flight (or next triggered one) carries USE-CANDIDATE.</summary>
    internal bool UseCandidate { get; set; }

    /// <summary>Transaction id of the check (or consent check) in flight; reused on retransmission. Allocated once per pair.</summary>
    internal byte[] TransactionId { get; } = new byte[12];

    internal bool ConsentCheck { get; set; }

    /// <summary>The role the last request on this pair claimed (for a 487 answer, §7.2.5.1).</summary>
    internal bool SentAsControlling { get; set; }

    internal int Transmissions { get; set; }

    internal long NextRetransmit { get; set; }

    internal long LastConsent { get; set; }

    internal void UpdatePriority(IceRole role) =>
        Priority = role == IceRole.Controlling ? IcePriority.Pair(Local.Priority, Remote.Priority) : IcePriority.Pair(Remote.Priority, Local.Priority);

    public override string ToString() => $"{Local.EndPoint} -> {Remote.EndPoint} {State}{(Nominated ? " nominated" : string.Empty)}";
}
