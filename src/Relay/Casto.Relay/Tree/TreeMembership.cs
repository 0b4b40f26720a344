using Casto.Relay.Forwarding;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>
/// A node's membership of one stream's tree as a child (<see cref="TreeNode.Join"/>): it keeps a parent, rejoining
/// when the parent goes (the lost parent's ancestors first, then every candidate it knows, with a growing pause when
/// none takes it). Disposing leaves the tree.
/// </summary>
public sealed partial class TreeMembership : IAsyncDisposable
{
    private readonly TreeNode _node;
    private readonly TreePosition _position;
    private readonly List<TreeCandidate> _seeds;
    private readonly List<Learnt> _learnt = []; // newest first
    private List<TreeCandidate> _first = []; // a leaving parent's hand-off targets, or the nearest ancestor after a loss
    private TreeChannel? _parentChannel;
    private PreviousParent? _previous;
    private long _lastReport;
    private readonly List<TimeSpan> _recoveries = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop;
    private Task _loop = Task.CompletedTask;
    private long _parentChanges;
    private long _parentsTaken;
    private int _disposed;
    private long _learnVersion;
    private readonly HashSet<PeerId> _redirectedBy = []; // this walk down the tree: not asked again until a pause or a parent
    private TaskCompletionSource _found = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TreeMembership(TreeNode node, TreePosition position, IEnumerable<TreeCandidate> seeds, CancellationToken closing)
    {
        (_node, _position) = (node, position);
        _seeds = [.. seeds.Take(node.Options.MaxCandidates)];
        _stop = CancellationTokenSource.CreateLinkedTokenSource(closing);
    }

    /// <summary>The stream.</summary>
    public string Stream => _position.Stream;

    /// <summary>The current parent, or null while one is being found.</summary>
    public PeerId? Parent => _position.Parent;

    /// <summary>Depth now (-1 before the first parent).</summary>
    public int Depth => _position.Depth;

    /// <summary>Parents taken after the first.</summary>
    public long ParentChanges => Interlocked.Read(ref _parentChanges);

    /// <summary>For each parent lost: from noticing it to the first packet from the next parent.</summary>
    public IReadOnlyList<TimeSpan> Recoveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _recoveries];
            }
        }
    }

    /// <summary>Raised (on a pool thread) when a parent is taken or lost.</summary>
    public event EventHandler? ParentChanged;

    /// <summary>
    /// Candidates found later (a discovery source: the signalling room, mDNS): remembered and ranked with the rest. A
    /// node between parents tries them at once (its pause between rounds ends), so a restarted broadcaster or a new
    /// relay announced in the room is taken as soon as it is found.
    /// </summary>
    public void AddCandidates(IEnumerable<TreeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        Learn(candidates);
        TaskCompletionSource wake;
        lock (_gate)
        {
            (wake, _found) = (_found, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        wake.TrySetResult();
    }

    /// <summary>Completes when <see cref="AddCandidates"/> is next called.</summary>
    private Task Found
    {
        get
        {
            lock (_gate)
            {
                return _found.Task;
            }
        }
    }

    internal void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>
    /// Who to try, best first: where a leaving parent sent us (in its order) or, after a loss, the nearest ancestor
    /// (its connection is kept warm, and our lost parent's place under it is free); then what we learnt (redirects,
    /// ancestors, discovery) and the seeds, ranked. Room heard of longer ago than
    /// <see cref="TreeNodeOptions.CandidateFreshness"/> counts as unknown: others took it since, most likely. Known
    /// round trips break ties among those with room at equal depth. <paramref name="first"/>: the list starts with a
    /// hand-off or the nearest ancestor (tried in that order, not probed).
    /// </summary>
    private List<TreeCandidate> Candidates(out bool first)
    {
        TimeProvider time = _node.Options.TimeProvider;
        TimeSpan freshness = _node.Options.CandidateFreshness;
        lock (_gate)
        {
            var descendants = new HashSet<PeerId>(_position.ChildIds());
            descendants.UnionWith(_redirectedBy);
            List<TreeCandidate> leading = [.. _first.Where(c => !c.PeerId.Equals(_node.PeerId) && !descendants.Contains(c.PeerId))];
            _first = [];
            first = leading.Count > 0;
            List<TreeCandidate> all = [.. _learnt.Select(l => l.Candidate.Free > 0 && time.GetElapsedTime(l.At) > freshness ? l.Candidate with { Free = -1 } : l.Candidate).Concat(_seeds)];
            Dictionary<PeerId, TimeSpan> rtts = _node.Rtts.Of(all.Select(c => c.PeerId));
            return [.. leading, .. ParentRanking.Rank(all, _node.PeerId, descendants, rtts).Where(c => !leading.Exists(f => f.PeerId.Equals(c.PeerId)))];
        }
    }

    /// <summary>Tried first, in this order, in the next round: a leaving parent's hand-off (while it still forwards) or the nearest ancestor after a loss.</summary>
    private void TryFirst(IEnumerable<TreeCandidate> candidates)
    {
        lock (_gate)
        {
            _first = [.. candidates.Take(8)];
        }
    }

    /// <summary>Writes to the current parent (a leaving node names its successor); nothing without one.</summary>
    internal async Task SendToParentAsync(TreeMessage message, CancellationToken cancellationToken)
    {
        TreeChannel? channel = Volatile.Read(ref _parentChannel);
        if (channel is null)
        {
            return;
        }

        try
        {
            await channel.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    /// <summary>A hand-off we no longer wait for (we are leaving too, or a newer one came): its parent is told and its session ended.</summary>
    private async Task EndPreviousAsync()
    {
        if (Interlocked.Exchange(ref _previous, null) is { } previous)
        {
            await EndAsync(previous).ConfigureAwait(false);
        }
    }

    /// <summary>Stops heartbeating a parent that handed us off, tells it we left (bounded: it may be gone) and ends its session.</summary>
    private async Task EndAsync(PreviousParent previous)
    {
        await previous.StopAsync().ConfigureAwait(false);
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            try
            {
                await previous.Channel.WriteAsync(new TreeMessage { Leave = new Leave() }, bound.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
            }
        }

        await previous.Channel.DisposeAsync().ConfigureAwait(false);
        await _node.EndQuietlyAsync(previous.Session).ConfigureAwait(false);
    }

    private long LearnVersion
    {
        get
        {
            lock (_gate)
            {
                return _learnVersion;
            }
        }
    }

    /// <summary>Remembers <paramref name="candidates"/> (newest first, replacing what we knew of the same peers), bounded.</summary>
    private void Learn(IEnumerable<TreeCandidate> candidates)
    {
        lock (_gate)
        {
            long now = _node.Options.TimeProvider.GetTimestamp();
            var fresh = candidates.Where(c => !c.PeerId.Equals(_node.PeerId)).DistinctBy(c => c.PeerId).ToList();
            _learnt.RemoveAll(old => fresh.Exists(c => c.PeerId.Equals(old.Candidate.PeerId)));
            _learnt.InsertRange(0, fresh.Select(c => new Learnt(c, now)));
            _learnVersion++;
            if (_learnt.Count > _node.Options.MaxCandidates)
            {
                _learnt.RemoveRange(_node.Options.MaxCandidates, _learnt.Count - _node.Options.MaxCandidates);
            }
        }
    }

    /// <summary>
    /// The room of every candidate learnt so far becomes unknown: a node we heard had room redirected us, so others took
    /// it since, and most likely the rest of what we heard at the same time too. The fresh redirect's targets, learnt
    /// next, come first; the others stay, ranked by the order learnt (at 100 joins/s each stale place tried cost a dial
    /// and an ask, and a joiner tried up to six before it followed a redirect down).
    /// </summary>
    private void ForgetRoom()
    {
        lock (_gate)
        {
            for (int i = 0; i < _learnt.Count; i++)
            {
                if (_learnt[i].Candidate.Free > 0)
                {
                    _learnt[i] = _learnt[i] with { Candidate = _learnt[i].Candidate with { Free = -1 } };
                }
            }
        }
    }

    /// <summary>A candidate and when we heard of it (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    private readonly record struct Learnt(TreeCandidate Candidate, long At);

    private void RecordRecovery(TimeSpan took)
    {
        lock (_gate)
        {
            _recoveries.Add(took);
            if (_recoveries.Count > 1024)
            {
                _recoveries.RemoveAt(0);
            }
        }
    }

    /// <summary>A parent that handed us off and still forwards until the next one flows; we keep heartbeating it.</summary>
    private sealed record PreviousParent(ITreeLink Session, TreeChannel Channel, CancellationTokenSource Beating, Task Sending)
    {
        public async Task StopAsync()
        {
            await Beating.CancelAsync().ConfigureAwait(false);
            await Sending.ConfigureAwait(false);
            Beating.Dispose();
        }
    }

    private void OnParentChanged() => ParentChanged?.Invoke(this, EventArgs.Empty);

    /// <summary>Leaves: the parent's stream and the upstream media connection end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _node.Forget(this);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await EndPreviousAsync().ConfigureAwait(false);
        Move? move;
        lock (_gate)
        {
            (move, _move) = (_move, null);
        }

        await DropAsync(move).ConfigureAwait(false);
        DropWarm();
        CloseProbesExcept(null);
        _stop.Dispose();
    }
}
