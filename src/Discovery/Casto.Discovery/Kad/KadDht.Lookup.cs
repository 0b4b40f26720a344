namespace Casto.Discovery.Kad;

/// <content>
/// The iterative lookup (kad-dht §Peer routing): α requests in flight per path towards <c>key</c>, candidates sorted by
/// XOR distance, ends when the k closest candidates seen have all answered, nothing is left to ask, the handler says
/// stop, or <see cref="KadDhtOptions.MaxQueriedPeers"/> is reached. With <see cref="KadDhtOptions.DisjointPaths"/> &gt; 1
/// the seeds are split over paths and a peer belongs to the path that first learned of it.
/// </content>
public sealed partial class KadDht
{
    /// <summary>Handles one response; returns true to end the lookup.</summary>
    internal delegate bool ResponseHandler(KadPeer from, Pb.Message response);

    internal async ValueTask<KadQueryStats> LookupAsync(byte[] key, Func<Pb.Message> request, ResponseHandler? onResponse, CancellationToken cancellationToken)
    {
        var target = KadId.FromKey(key);
        _table.MarkLookup(target);
        using var timeout = new CancellationTokenSource(_options.LookupTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _stopping.Token);
        using var requests = CancellationTokenSource.CreateLinkedTokenSource(linked.Token); // cancelled once the handler says stop
        var all = new Dictionary<Stack.Identity.PeerId, Candidate>();
        var paths = _options.DisjointPaths;
        var seeds = _table.Closest(target, _options.K);
        for (var i = 0; i < seeds.Count; i++)
        {
            all[seeds[i].Peer] = new Candidate(new KadPeer(seeds[i].Peer, seeds[i].Addresses), seeds[i].Id, i % paths, 1);
        }

        var inflight = new Dictionary<Task<Pb.Message?>, Candidate>();
        var stats = new KadQueryStats();
        var stop = false;
        try
        {
            while (true)
            {
                if (!stop && !linked.IsCancellationRequested)
                {
                    for (var p = 0; p < paths; p++)
                    {
                        LaunchForPath(p, target, all, inflight, stats, request, requests.Token);
                    }
                }

                if (inflight.Count == 0)
                {
                    break;
                }

                var done = await Task.WhenAny(inflight.Keys).ConfigureAwait(false);
                var candidate = inflight[done];
                inflight.Remove(done);
                if (done.IsCompletedSuccessfully && done.Result is { } response)
                {
                    candidate.State = CandidateState.Succeeded;
                    stats.Hops = Math.Max(stats.Hops, candidate.Depth);
                    Consider(candidate.Peer.PeerId, candidate.Peer.Addresses);
                    foreach (var peer in ParsePeers(response.CloserPeers))
                    {
                        if (peer.Addresses.Count > 0 && !all.ContainsKey(peer.PeerId))
                        {
                            all[peer.PeerId] = new Candidate(peer, KadId.FromKey(peer.PeerId.Bytes), candidate.Path, candidate.Depth + 1);
                        }
                    }

                    if (!stop && (onResponse?.Invoke(candidate.Peer, response) ?? false))
                    {
                        stop = true;
                        await requests.CancelAsync().ConfigureAwait(false);
                    }
                }
                else
                {
                    candidate.State = CandidateState.Failed;
                    stats.Failed++;
                    _log.RequestFailed(candidate.Peer.PeerId.ToString(), done.Exception?.InnerException?.Message ?? "cancelled");
                    if (!requests.IsCancellationRequested)
                    {
                        _table.Remove(candidate.Peer.PeerId);
                    }
                }
            }
        }
        finally
        {
            if (inflight.Count > 0)
            {
                await ((Task)Task.WhenAll(inflight.Keys)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        stats.Closest = [.. all.Values.Where(c => c.State == CandidateState.Succeeded)
            .OrderBy(c => c.Id, Comparer<KadId>.Create(target.CompareDistance)).Take(_options.K).Select(c => c.Peer)];
        _log.LookupDone(stats.Queried, stats.Failed, stats.Hops);
        cancellationToken.ThrowIfCancellationRequested();
        return stats;
    }

    private void LaunchForPath(int path, KadId target, Dictionary<Stack.Identity.PeerId, Candidate> all, Dictionary<Task<Pb.Message?>, Candidate> inflight,
        KadQueryStats stats, Func<Pb.Message> request, CancellationToken cancellationToken)
    {
        var running = inflight.Values.Count(c => c.Path == path);
        if (running >= _options.Alpha)
        {
            return;
        }

        // The k closest live candidates of this path; ask the nearest of them not yet asked.
        var closest = all.Values.Where(c => c.Path == path && c.State != CandidateState.Failed)
            .OrderBy(c => c.Id, Comparer<KadId>.Create(target.CompareDistance)).Take(_options.K);
        foreach (var candidate in closest)
        {
            if (running >= _options.Alpha || stats.Queried >= _options.MaxQueriedPeers)
            {
                return;
            }

            if (candidate.State != CandidateState.Waiting)
            {
                continue;
            }

            candidate.State = CandidateState.InFlight;
            stats.Queried++;
            running++;
            inflight[RequestAsync(candidate.Peer, request(), expectResponse: true, cancellationToken).AsTask()] = candidate;
        }
    }

    private enum CandidateState
    {
        Waiting,
        InFlight,
        Succeeded,
        Failed,
    }

    private sealed class Candidate(KadPeer peer, KadId id, int path, int depth)
    {
        public KadPeer Peer { get; } = peer;

        public KadId Id { get; } = id;

        public int Path { get; } = path;

        public int Depth { get; } = depth;

        public CandidateState State { get; set; }
    }
}
