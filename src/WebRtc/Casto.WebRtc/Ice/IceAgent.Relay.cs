// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-5.1.1.2 (relayed candidates), https://www.rfc-editor.org/rfc/rfc8656 (TURN)
using System.Net;
using Casto.WebRtc.Sdp;
using Casto.WebRtc.Turn;

namespace Casto.WebRtc.Ice;

/// <summary>Relayed candidates: one TURN allocation per TURN server, its datagrams demultiplexed like a host socket's.</summary>
internal sealed partial class IceAgent
{
    private async Task GatherRelayAsync(IceServer server, IPEndPoint endPoint, int index, CancellationToken cancellationToken)
    {
        TurnClient turn;
        try
        {
            turn = await TurnClient.AllocateAsync(
                new TurnClientOptions
                {
                    Server = endPoint,
                    Username = server.Username!,
                    Password = server.Credential!,
                    LocalAddress = _options.LocalAddresses.First(a => a.AddressFamily == endPoint.AddressFamily),
                    MaxDatagramSize = Math.Min(_options.MaxDatagramSize + 100, 65535), // room for the ChannelData/Data indication framing
                    TimeProvider = _time,
                },
                null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (TurnException)
        {
            Interlocked.Increment(ref Counters._gatherFailures);
            return;
        }

        var candidate = new IceCandidate(
            "r" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            IcePriority.Candidate(SdpCandidateType.Relay, 65535 - index),
            turn.RelayedAddress,
            SdpCandidateType.Relay) { RelatedEndPoint = turn.MappedAddress };
        var relay = new IceBase(turn, candidate);
        turn.DataReceived = (data, peer) => OnRelayed(relay, data, peer);
        turn.AllocationLost += (_, _) => OnRelayLost(relay);
        bool closed;
        lock (_gate)
        {
            closed = IsTerminal;
            if (!closed)
            {
                _sockets.Add(relay);
                foreach (var remote in _remoteCandidates)
                {
                    AddPairLocked(relay, remote);
                }
            }
        }

        if (closed)
        {
            await turn.DisposeAsync().ConfigureAwait(false);
            return;
        }

        CandidateGathered?.Invoke(this, candidate);
    }

    /// <summary>A datagram relayed by a TURN server: demultiplexed like one from a host socket (one copy into the receive pool).</summary>
    private void OnRelayed(IceBase relay, ReadOnlySpan<byte> data, SocketAddress peer)
    {
        if (data.Length > _options.MaxDatagramSize)
        {
            Interlocked.Increment(ref Counters._unknownDatagrams);
            return;
        }

        var buffer = _buffers.Rent();
        data.CopyTo(buffer);
        if (!OnDatagram(relay, buffer, data.Length, peer))
        {
            _buffers.Return(buffer);
        }
    }

    /// <summary>The TURN allocation is gone: its pairs fail; if the selected pair was relayed the agent fails (no ICE restart).</summary>
    private void OnRelayLost(IceBase relay)
    {
        lock (_gate)
        {
            if (!IsTerminal)
            {
                foreach (var p in _pairs)
                {
                    if (p.Base == relay)
                    {
                        FailPair(p, consent: false);
                    }
                }

                if (_selected?.Base == relay)
                {
                    SetState(IceConnectionState.Failed);
                }
            }
        }

        RaiseEvents();
    }

    private async Task DisposeRelaysAsync()
    {
        List<TurnClient> relays;
        lock (_gate)
        {
            relays = _sockets.Where(s => s.Turn is not null).Select(s => s.Turn!).ToList();
        }

        foreach (var turn in relays)
        {
            await turn.DisposeAsync().ConfigureAwait(false); // deallocates
        }
    }
}
