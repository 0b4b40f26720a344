using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Protocols.Ping;

namespace Casto.Relay.Tree;

/// <summary>
/// Probing candidates that rank equal (known room, the same shallowest depth) before asking one: up to
/// <see cref="TreeNodeOptions.ProbeCandidates"/> are dialled at once, each dial's handshake timed on the node's clock
/// (a candidate already connected answers one ping instead); the round trips go to the node's <see cref="RttCache"/>,
/// and the round is ranked again with them (nearer first) as soon as the first answered. Connections opened only for
/// the probe are closed, except the one of the candidate asked next (it is asked over it at once).
/// </summary>
public sealed partial class TreeMembership
{
    private readonly Dictionary<PeerId, PeerConnection> _probeOpened = []; // connections a probe opened, not yet used or closed

    /// <summary>
    /// <paramref name="round"/> ranked again after probing its leading tie (when there is one whose round trips are
    /// not all known); unchanged otherwise. Never throws for a candidate that fails: it is just not measured.
    /// </summary>
    private async ValueTask<List<TreeCandidate>> ProbeAsync(List<TreeCandidate> round, CancellationToken cancellationToken)
    {
        TreeNodeOptions options = _node.Options;
        if (options.ProbeCandidates < 2 || round.Count < 2 || round[0] is not { Free: > 0, Depth: < int.MaxValue } best)
        {
            return round;
        }

        List<TreeCandidate> tie = [.. round.Take(options.ProbeCandidates).TakeWhile(c => c.Free > 0 && c.Depth == best.Depth)];
        List<TreeCandidate> unknown = tie.FindAll(c => !_node.Rtts.TryGet(c.PeerId, out _));
        if (tie.Count < 2 || unknown.Count == 0)
        {
            return round; // nothing to choose between, or the cache already ranked them
        }

        // All start at once, so the first to answer is the nearest (a handshake is ~4 round trips: nearer by d answers
        // ~4d sooner); waiting for the others could not change the choice. They go on in the background for at most
        // ProbeTimeout, for the cache, then are cancelled; their connections are closed.
        var timer = new CancellationTokenSource(options.JoinTimeout, options.TimeProvider);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var pending = unknown.ConvertAll(c => ProbeOneAsync(c, stop.Token));
        bool answered = false;
        while (pending.Count > 0 && !answered)
        {
            Task<bool> done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            answered = await done.ConfigureAwait(false);
        }

        List<TreeCandidate> ranked = ParentRanking.Rank(round, _node.PeerId, new HashSet<PeerId>(), _node.Rtts.Of(round.Select(c => c.PeerId)));
        if (answered)
        {
            _node.Rtts.TryGet(ranked[0].PeerId, out TimeSpan nearest);
            Log.Probed(_node.Logger, Stream, unknown.Count, best.Depth, ranked[0].PeerId, Math.Round(nearest.TotalMilliseconds, 2));
            timer.CancelAfter(options.ProbeTimeout);
        }

        CloseProbesExcept(ranked[0].PeerId);
        _ = FinishProbesAsync(pending, timer, stop, ranked[0].PeerId);
        return ranked;
    }

    /// <summary>The probes still running after the choice: measured until they end or are cancelled, then their connections closed.</summary>
    private async Task FinishProbesAsync(List<Task<bool>> pending, CancellationTokenSource timer, CancellationTokenSource stop, PeerId chosen)
    {
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false); // each ends promptly once cancelled, and never throws
        }
        finally
        {
            stop.Dispose();
            timer.Dispose();
            // The chosen one's connection is the join's (taken from the list when asked), unless we left meanwhile.
            CloseProbesExcept(Volatile.Read(ref _disposed) == 1 ? null : chosen);
        }
    }

    /// <summary>
    /// Times the dial's handshake to <paramref name="candidate"/> (about <see cref="RttCache.HandshakeRoundTrips"/>
    /// round trips; the connection is then used to ask the nearest), or one ping when a connection is already open;
    /// false when it did not answer.
    /// </summary>
    private async Task<bool> ProbeOneAsync(TreeCandidate candidate, CancellationToken cancellationToken)
    {
        TimeProvider time = _node.Options.TimeProvider;
        try
        {
            (PeerConnection connection, bool opened) = await ConnectAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (opened)
            {
                lock (_gate)
                {
                    _probeOpened[candidate.PeerId] = connection;
                }

                return true; // the handshake was the measurement: no round trip added to a join
            }

            IReadOnlyList<TimeSpan> rtts = await PingProtocol.PingAsync(connection, time, 1, cancellationToken).ConfigureAwait(false);
            _node.Rtts.Record(candidate.PeerId, rtts[0]);
            return true;
        }
        catch (Exception ex) when (IsJoinFailure(ex) || ex is InvalidOperationException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Log.ProbeFailed(_node.Logger, Stream, candidate.PeerId, ex.Message);
            }

            return false;
        }
    }

    /// <summary>Whether a probe opened the connection to <paramref name="peer"/> (it is ours to close, as a dial's); forgets it.</summary>
    private bool TakeProbeOpened(PeerId peer)
    {
        lock (_gate)
        {
            return _probeOpened.Remove(peer);
        }
    }

    /// <summary>Closes what probes opened, but the connection to <paramref name="keep"/> (null: all), unless a tree link or the warm grandparent uses it.</summary>
    private void CloseProbesExcept(PeerId? keep)
    {
        List<PeerConnection> closing;
        lock (_gate)
        {
            closing = [.. _probeOpened.Where(p => !p.Key.Equals(keep)).Select(p => p.Value)];
            foreach (PeerConnection c in closing)
            {
                _probeOpened.Remove(c.RemotePeer);
            }
        }

        closing.ForEach(CloseUnlessNeeded);
    }
}
