// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-5.1.1.2 (server-reflexive and relayed candidates), §5.1.3 (redundant
// candidates), https://www.rfc-editor.org/rfc/rfc8838 (trickle: candidates surface one by one, then end-of-candidates)
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Casto.WebRtc.Sdp;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Ice;

/// <summary>Gathering server-reflexive (STUN Binding from each host socket) and relayed (TURN Allocate) candidates.</summary>
internal sealed partial class IceAgent
{
    private readonly List<IceCandidate> _reflexive = [];
    private readonly List<IPEndPoint> _mappedAddresses = [];
    private readonly Dictionary<UInt128, TaskCompletionSource<IPEndPoint?>> _gatherTransactions = [];
    private IceGatheringState _gatheringState;
    private bool _receiving;

    /// <summary>Raised (outside the lock) for every candidate gathered: host ones first, then reflexive and relayed as they come.</summary>
    public event EventHandler<IceCandidate>? CandidateGathered;

    /// <summary>Raised when gathering starts and when it completes (<see cref="IceGatheringState.Complete"/> = end-of-candidates).</summary>
    public event EventHandler<IceGatheringState>? GatheringStateChanged;

    public IceGatheringState GatheringState
    {
        get
        {
            lock (_gate)
            {
                return _gatheringState;
            }
        }
    }

    /// <summary>Every XOR-MAPPED-ADDRESS learned from STUN servers, including those pruned as redundant with their host base.</summary>
    internal IReadOnlyList<IPEndPoint> MappedAddresses
    {
        get
        {
            lock (_gate)
            {
                return [.. _mappedAddresses];
            }
        }
    }

    /// <summary>
    /// Gathers candidates from <see cref="IceOptions.IceServers"/>: a Binding request to each STUN server from each host
    /// socket of its family (a server-reflexive candidate unless it equals its base, RFC 8445 §5.1.3) and one TURN
    /// allocation per TURN server (a relayed candidate). Candidates surface through <see cref="CandidateGathered"/>
    /// (trickle); completes with <see cref="IceGatheringState.Complete"/>. Servers that fail or time out are skipped
    /// (<see cref="IceCounters"/>). Runs once; the agent's sockets start receiving here if <see cref="Start"/> was not called yet.
    /// </summary>
    public async Task GatherAsync(CancellationToken cancellationToken = default)
    {
        List<IceCandidate> hosts = [];
        lock (_gate)
        {
            ThrowIfClosed();
            if (_gatheringState != IceGatheringState.New)
            {
                return;
            }

            _gatheringState = IceGatheringState.Gathering;
            StartReceivingLocked();
            hosts.AddRange(_sockets.Where(IsUsable).Select(s => s.Candidate));
        }

        GatheringStateChanged?.Invoke(this, IceGatheringState.Gathering);
        foreach (var h in hosts)
        {
            CandidateGathered?.Invoke(this, h);
        }

        var work = new List<Task>();
        for (var i = 0; i < _options.IceServers.Count; i++)
        {
            work.Add(GatherFromServerAsync(_options.IceServers[i], i, cancellationToken));
        }

        await Task.WhenAll(work).ConfigureAwait(false);
        lock (_gate)
        {
            _gatheringState = IceGatheringState.Complete;
        }

        GatheringStateChanged?.Invoke(this, IceGatheringState.Complete);
    }

    private async Task GatherFromServerAsync(IceServer server, int index, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(server.Host, out var literal) ? [literal]
                : await Dns.GetHostAddressesAsync(server.Host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref Counters._gatherFailures);
            return;
        }

        var work = new List<Task>();
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            var address = Array.Find(addresses, a => a.AddressFamily == family);
            if (address is null || !_options.LocalAddresses.Any(a => a.AddressFamily == family))
            {
                continue;
            }

            var endPoint = new IPEndPoint(address, server.Port);
            if (server.IsTurn)
            {
                work.Add(GatherRelayAsync(server, endPoint, index, cancellationToken));
            }
            else if (_options.TransportPolicy == IceTransportPolicy.All)
            {
                List<IceBase> hosts;
                lock (_gate)
                {
                    hosts = _sockets.FindAll(s => s.Socket is not null && s.Socket.AddressFamily == family);
                }

                work.AddRange(hosts.Select(h => GatherServerReflexiveAsync(h, endPoint, cancellationToken)));
            }
        }

        await Task.WhenAll(work).ConfigureAwait(false);
    }

    private async Task GatherServerReflexiveAsync(IceBase host, IPEndPoint server, CancellationToken cancellationToken)
    {
        var transactionId = RandomNumberGenerator.GetBytes(StunMessage.TransactionIdSize);
        var key = TransactionKey(transactionId);
        var completion = new TaskCompletionSource<IPEndPoint?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var buffer = new byte[StunMessage.HeaderSize + 8];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, transactionId);
        writer.AddFingerprint();
        lock (_gate)
        {
            _gatherTransactions[key] = completion;
        }

        IPEndPoint? mapped = null;
        var started = _time.GetTimestamp();
        try
        {
            for (var i = 0; i < _options.MaxCheckTransmissions && _time.GetElapsedTime(started) < _options.GatherTimeout; i++)
            {
                host.Send(buffer, server.Serialize());
                try
                {
                    mapped = await completion.Task.WaitAsync(_options.CheckRetransmitTimeout * Math.Min(1 << i, 8), _time, cancellationToken)
                        .ConfigureAwait(false);
                    break;
                }
                catch (TimeoutException)
                {
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _gatherTransactions.Remove(key);
            }
        }

        if (mapped is null)
        {
            Interlocked.Increment(ref Counters._gatherFailures);
            return;
        }

        IceCandidate? candidate = null;
        lock (_gate)
        {
            _mappedAddresses.Add(mapped);
            var redundant = mapped.Equals(host.Candidate.EndPoint) || _reflexive.Exists(c => c.EndPoint.Equals(mapped));
            if (!redundant && !IsTerminal)
            {
                var index = _sockets.IndexOf(host);
                candidate = new IceCandidate(
                    "s" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    IcePriority.Candidate(SdpCandidateType.ServerReflexive, 65535 - index),
                    mapped,
                    SdpCandidateType.ServerReflexive) { RelatedEndPoint = host.Candidate.EndPoint };
                _reflexive.Add(candidate); // signalled only: its base is the host socket, so it forms no pairs of its own (§6.1.2.4)
            }
        }

        if (candidate is not null)
        {
            CandidateGathered?.Invoke(this, candidate);
        }
    }

    /// <summary>Under the lock: a Binding response to a gathering request completes it (true); otherwise false.</summary>
    private bool CompleteGatherLocked(in StunMessage response)
    {
        if (_gatherTransactions.Count == 0 || !_gatherTransactions.Remove(TransactionKey(response.TransactionId), out var completion))
        {
            return false;
        }

        IPEndPoint? mapped = null;
        if (response.Class == StunClass.SuccessResponse && !response.TryGetXorMappedAddress(out mapped))
        {
            response.TryGetMappedAddress(out mapped);
        }

        completion.TrySetResult(mapped);
        return true;
    }

    private void StartReceivingLocked()
    {
        if (_receiving)
        {
            return;
        }

        _receiving = true;
        foreach (var s in _sockets)
        {
            if (s.Socket is not null && !s.Shared)
            {
                _loops.Add(ReceiveLoopAsync(s, _closing.Token));
            }
        }
    }

    private static UInt128 TransactionKey(ReadOnlySpan<byte> transactionId) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(transactionId), BinaryPrimitives.ReadUInt64BigEndian(transactionId[4..]));
}
