// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-6.1.2 (forming candidate pairs), https://www.rfc-editor.org/rfc/rfc8838 (trickle)
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Ice;

/// <summary>The remote side: credentials, (trickled) candidates and the pairs they form with our bases.</summary>
internal sealed partial class IceAgent
{
    /// <summary>The peer's ufrag and password (from its SDP). Needed before checks are sent and responses verified.</summary>
    public void SetRemoteCredentials(string ufrag, string password)
    {
        if (!IceCredentials.IsValid(ufrag, 4) || !IceCredentials.IsValid(password, 22))
        {
            throw new IceException(IceError.InvalidRemote, "Remote ufrag (4–256 ice-chars) or password (22–256 ice-chars) is invalid.");
        }

        lock (_gate)
        {
            _remoteUfrag = ufrag;
            _remoteKey = Stun.StunCredentials.ShortTermKey(password);
            _checkUsername = ufrag + ":" + LocalUfrag;
        }
    }

    /// <summary>Adds a remote candidate (trickle: any time). Pairs are formed with every local candidate of its family.</summary>
    public void AddRemoteCandidate(IceCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_gate)
        {
            ThrowIfClosed();
            if (FindRemote(candidate.SocketAddress) is { } known)
            {
                return; // already known (for example learned as peer-reflexive first)
            }

            if (_remoteCandidates.Count >= _options.MaxRemoteCandidates)
            {
                throw new IceException(IceError.InvalidRemote, $"More than {_options.MaxRemoteCandidates} remote candidates.");
            }

            AddRemoteLocked(candidate);
        }
    }

    /// <summary>Adds a remote candidate from its SDP form (UDP, component 1, IP literal).</summary>
    public void AddRemoteCandidate(SdpCandidate candidate) => AddRemoteCandidate(IceCandidate.FromSdp(candidate));

    /// <summary>The peer signalled end-of-candidates: once every pair has failed the agent fails.</summary>
    public void AddRemoteEndOfCandidates()
    {
        lock (_gate)
        {
            _endOfCandidates = true;
        }
    }

    private void AddRemoteLocked(IceCandidate candidate)
    {
        _remoteCandidates.Add(candidate);
        _options.UdpMux?.MapRemote(candidate.SocketAddress, this);
        foreach (var s in _sockets)
        {
            AddPairLocked(s, candidate);
        }
    }

    /// <summary>Pairs a usable base with a remote candidate of its family; a relayed base asks its server for a permission.</summary>
    private void AddPairLocked(IceBase local, IceCandidate remote)
    {
        if (!IsUsable(local) || local.Candidate.IsIPv6 != remote.IsIPv6)
        {
            return;
        }

        local.Turn?.EnsurePermission(remote.EndPoint.Address);
        var pair = new IceCandidatePair(local, remote);
        pair.UpdatePriority(Role);
        var at = _pairs.FindIndex(p => p.Priority < pair.Priority);
        _pairs.Insert(at < 0 ? _pairs.Count : at, pair);
    }

    /// <summary>Relay-only policy uses relayed bases only (W3C iceTransportPolicy "relay").</summary>
    private bool IsUsable(IceBase local) => _options.TransportPolicy == IceTransportPolicy.All || local.Turn is not null;

    private IceCandidate? FindRemote(SocketAddress address)
    {
        if (_lastSource is { } last && last.SocketAddress.Equals(address))
        {
            return last;
        }

        foreach (var c in _remoteCandidates)
        {
            if (c.SocketAddress.Equals(address))
            {
                return c;
            }
        }

        return null;
    }

    private IceCandidatePair? FindPair(IceBase local, IceCandidate remote)
    {
        foreach (var p in _pairs)
        {
            if (p.Remote == remote && p.Local == local.Candidate)
            {
                return p;
            }
        }

        return null;
    }

    private bool IsTerminal => _state is IceConnectionState.Failed or IceConnectionState.Closed;
}
