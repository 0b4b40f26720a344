// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-7.2 (sending checks), §7.3 (answering checks),
// §7.3.1.1 (role conflict), §7.2.5 (processing responses), §7.3.1.4 (triggered checks), §7.3.1.5 (nomination, controlled)
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Casto.WebRtc.Sdp;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Ice;

/// <summary>Connectivity checks: building requests and responses, and processing both. Called under the lock.</summary>
internal sealed partial class IceAgent
{
    private const int RoleConflict = 487;
    private const int Unauthenticated = 401;
    private const int BadRequest = 400;

    private void OnRequest(IceBase local, StunMessage request, SocketAddress source)
    {
        // USERNAME must be "<our ufrag>:<their ufrag>" and MESSAGE-INTEGRITY must match our password (§7.3).
        if (!request.TryGetUsername(out var username) || !StartsWithLocalUfrag(username))
        {
            Interlocked.Increment(ref Counters._unauthenticatedStun);
            SendError(local, request, source, Unauthenticated, "Unauthenticated");
            return;
        }

        try
        {
            request.Validate(_localKey);
        }
        catch (StunException)
        {
            Interlocked.Increment(ref Counters._unauthenticatedStun);
            SendError(local, request, source, Unauthenticated, "Unauthenticated");
            return;
        }

        if (request.Priority is not { } priority)
        {
            SendError(local, request, source, BadRequest, "Missing PRIORITY");
            return;
        }

        if (ResolveRoleConflict(request))
        {
            SendError(local, request, source, RoleConflict, "Role Conflict");
            return;
        }

        var remote = FindRemote(source);
        if (remote is null)
        {
            if (_remoteCandidates.Count >= _options.MaxRemoteCandidates)
            {
                return;
            }

            // Peer-reflexive candidate learned from the request (§7.3.1.3).
            remote = new IceCandidate("prflx" + _remoteCandidates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), priority, ToEndPoint(local, source), SdpCandidateType.PeerReflexive);
            AddRemoteLocked(remote);
        }

        remote.Validated = true;
        _lastLiteCheck = _time.GetTimestamp();
        SendSuccess(local, request, remote);

        var pair = FindPair(local, remote);
        if (pair is null)
        {
            return;
        }

        var useCandidate = request.UseCandidate && Role == IceRole.Controlled;
        if (IsLite)
        {
            // A lite agent has no checks of its own: an authenticated check validates the pair (§2.5, notes §8).
            pair.State = IcePairState.Succeeded;
            if (useCandidate)
            {
                Select(pair);
            }
            else if (_state == IceConnectionState.Checking)
            {
                SetState(IceConnectionState.Connected);
            }

            return;
        }

        if (useCandidate)
        {
            pair.RemoteNominated = true;
            if (pair.IsValid)
            {
                Select(pair);
                return;
            }
        }

        // Triggered check (§7.3.1.4), unless one is already in flight or the pair is already valid.
        if (pair.State is IcePairState.Waiting or IcePairState.Failed && _selected is null)
        {
            pair.State = IcePairState.Waiting;
            if (!_triggered.Contains(pair))
            {
                _triggered.Enqueue(pair);
            }
        }
    }

    /// <summary>§7.3.1.1. Returns true when we keep our role and must answer 487; switches our role otherwise.</summary>
    private bool ResolveRoleConflict(StunMessage request)
    {
        if (Role == IceRole.Controlling && request.IceControlling is { } theirs)
        {
            if (_tieBreaker >= theirs)
            {
                return true;
            }

            SwitchRole(IceRole.Controlled);
        }
        else if (Role == IceRole.Controlled && request.IceControlled is { } theirsControlled)
        {
            if (IsLite || _tieBreaker < theirsControlled)
            {
                return true; // a lite agent stays controlled: the full peer must take the controlling role
            }

            SwitchRole(IceRole.Controlling);
        }

        return false;
    }

    private void SwitchRole(IceRole role)
    {
        Role = role;
        foreach (var p in _pairs)
        {
            p.UpdatePriority(role);
            p.UseCandidate = false;
        }

        _pairs.Sort(static (a, b) => b.Priority.CompareTo(a.Priority));
    }

    private void OnResponse(IceBase local, StunMessage response, SocketAddress source)
    {
        IceCandidatePair? pair = null;
        foreach (var p in _pairs)
        {
            if (p.State == IcePairState.InProgress || p.ConsentCheck)
            {
                if (response.TransactionId.SequenceEqual(p.TransactionId))
                {
                    pair = p;
                    break;
                }
            }
        }

        if (pair is null || _remoteKey is null || pair.Local != local.Candidate)
        {
            Interlocked.Increment(ref Counters._unauthenticatedStun);
            return;
        }

        var isError = response.Class == StunClass.ErrorResponse;
        if (!isError || response.HasMessageIntegrity)
        {
            try
            {
                response.Validate(_remoteKey);
            }
            catch (StunException)
            {
                Interlocked.Increment(ref Counters._unauthenticatedStun);
                return;
            }
        }

        var consent = pair.ConsentCheck;
        pair.ConsentCheck = false;
        if (!pair.Remote.SocketAddress.Equals(source))
        {
            // Non-symmetric source: the check fails (§7.2.5.2.1).
            FailPair(pair, consent);
            return;
        }

        if (isError)
        {
            if (response.TryGetErrorCode(out var code, out _) && code == RoleConflict && !consent)
            {
                // §7.2.5.1: take the role opposite the one the request carried (we may have switched already), retry the pair.
                var role = pair.SentAsControlling ? IceRole.Controlled : IceRole.Controlling;
                if (role != Role)
                {
                    SwitchRole(role);
                }

                pair.State = IcePairState.Waiting;
                _triggered.Enqueue(pair);
                return;
            }

            FailPair(pair, consent);
            return;
        }

        var now = _time.GetTimestamp();
        pair.Remote.Validated = true;
        pair.LastConsent = now;
        if (consent)
        {
            if (_state == IceConnectionState.Disconnected)
            {
                SetState(IceConnectionState.Completed);
            }

            return;
        }

        pair.State = IcePairState.Succeeded;
        if (_firstValidAt < 0)
        {
            _firstValidAt = now;
        }

        if ((pair.UseCandidate && Role == IceRole.Controlling) || (pair.RemoteNominated && Role == IceRole.Controlled))
        {
            Select(pair);
        }
        else if (_state == IceConnectionState.Checking)
        {
            SetState(IceConnectionState.Connected);
        }
    }

    private static void FailPair(IceCandidatePair pair, bool consent)
    {
        if (!consent)
        {
            pair.State = IcePairState.Failed;
            pair.UseCandidate = false;
        }
    }

    private void Select(IceCandidatePair pair)
    {
        if (_selected is not null)
        {
            return;
        }

        pair.Nominated = true;
        pair.State = IcePairState.Succeeded;
        pair.Remote.Validated = true;
        pair.LastConsent = _time.GetTimestamp();
        _selected = pair;
        pair.Base.Turn?.EnsureChannel(pair.Remote.EndPoint); // relayed data then goes as 4-byte-header ChannelData
        _nextConsent = pair.LastConsent + NextConsentDelay();
        _lastLiteCheck = pair.LastConsent;
        _triggered.Clear();
        SetState(IceConnectionState.Completed);
    }

    private bool StartsWithLocalUfrag(ReadOnlySpan<byte> username)
    {
        Span<byte> ufrag = stackalloc byte[IceCredentials.UfragLength + 1];
        var n = Encoding.ASCII.GetBytes(LocalUfrag, ufrag);
        ufrag[n] = (byte)':';
        return username.StartsWith(ufrag[..(n + 1)]);
    }

    /// <summary>Sends a Binding request on <paramref name="pair"/>: a new transaction unless <paramref name="retransmit"/>.</summary>
    private void SendCheck(IceCandidatePair pair, bool retransmit)
    {
        if (!retransmit)
        {
            RandomNumberGenerator.Fill(pair.TransactionId);
        }

        var writer = new StunWriter(_scratch, StunClass.Request, StunMethod.Binding, pair.TransactionId);
        writer.AddUsername(_checkUsername!);
        writer.AddPriority(IcePriority.Candidate(SdpCandidateType.PeerReflexive, 65535 - _sockets.FindIndex(s => s.Candidate == pair.Local)));
        pair.SentAsControlling = Role == IceRole.Controlling;
        if (pair.SentAsControlling)
        {
            writer.AddIceControlling(_tieBreaker);
            if (pair.UseCandidate && !pair.ConsentCheck)
            {
                writer.AddUseCandidate();
            }
        }
        else
        {
            writer.AddIceControlled(_tieBreaker);
        }

        writer.AddMessageIntegrity(_remoteKey!);
        writer.AddFingerprint();
        pair.Base.Send(writer.Written, pair.Remote);
    }

    private void SendSuccess(IceBase local, StunMessage request, IceCandidate remote)
    {
        var writer = new StunWriter(_scratch, StunClass.SuccessResponse, StunMethod.Binding, request.TransactionId);
        writer.AddXorMappedAddress(remote.EndPoint);
        writer.AddMessageIntegrity(_localKey);
        writer.AddFingerprint();
        local.Send(writer.Written, remote);
    }

    /// <summary>Error responses; 401 carries no MESSAGE-INTEGRITY (we could not authenticate the request), others do.</summary>
    private void SendError(IceBase local, StunMessage request, SocketAddress destination, int code, string reason)
    {
        var writer = new StunWriter(_scratch, StunClass.ErrorResponse, StunMethod.Binding, request.TransactionId);
        writer.AddErrorCode(code, reason);
        if (code != Unauthenticated)
        {
            writer.AddMessageIntegrity(_localKey);
        }

        writer.AddFingerprint();
        local.Send(writer.Written, destination);
    }
}
