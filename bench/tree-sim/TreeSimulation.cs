using Casto.Relay.Tree;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Memory;

namespace Casto.TreeSim;

/// <summary>Settings of one simulation run.</summary>
internal sealed record SimSettings(int Nodes, int FanOut, TimeSpan JoinSpread, double CrashFraction, TimeSpan CrashSpread, TimeSpan Settle, int Seeds = 8, int Seed = 1, double LatencyMs = 20, bool Trace = false, int ProbeCandidates = 3, double LatencySpreadMs = 0)
{
    /// <summary>Real time a virtual step's work may take before the clock moves on anyway (counted as overloaded). Default 2 s.</summary>
    public TimeSpan QuiesceLimit { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the tree runs on after the survivors receive again before its depth is taken. Default 30 s.</summary>
    public TimeSpan Rebalance { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The real tree control (TreeNode, TreeMembership: heartbeats, redirects, rejoin) on thousands of nodes over the
/// in-memory transport with a virtual clock: the clock moves in 10 ms steps once the thread pool has no work left, so
/// the CPU needed per virtual second does not distort the timeouts. Media is left out (<see cref="SimTreeMedia"/>).
/// </summary>
internal sealed partial class TreeSimulation(SimSettings settings, TextWriter log) : IAsyncDisposable
{
    public const string Stream = "sim";
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private readonly VirtualClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MemoryNetwork _network = new();
    private readonly SimMediaNetwork _media = new();
    private readonly List<SimNode> _nodes = [];
    private readonly Random _random = new(settings.Seed);
    private readonly DateTimeOffset _start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, TimeSpan> _latencies = []; // with a spread: each node's own one-way delay, by listen address

    public IReadOnlyList<SimNode> Nodes => _nodes;

    /// <summary>A new node's one-way delay: the setting, or with a spread drawn uniformly within ± the spread.</summary>
    private TimeSpan NextLatency() => TimeSpan.FromMilliseconds(settings.LatencySpreadMs > 0
        ? Math.Max(0, settings.LatencyMs + ((_random.NextDouble() * 2) - 1) * settings.LatencySpreadMs)
        : settings.LatencyMs);

    private async Task<SimNode> StartNodeAsync()
    {
        TimeSpan latency = NextLatency();
        Func<Multiaddr, TimeSpan?>? latencyOf = settings.LatencySpreadMs > 0 ? LatencyOf : null;
        var node = await SimNode.StartAsync(_network, _media, _clock, Options(settings.FanOut), latency, latencyOf).ConfigureAwait(false);
        if (latencyOf is not null)
        {
            lock (_latencies)
            {
                _latencies[Key(node.Host.ListenAddresses[0])] = latency;
            }
        }

        return node;
    }

    private TimeSpan? LatencyOf(Multiaddr address)
    {
        lock (_latencies)
        {
            return _latencies.TryGetValue(Key(address), out TimeSpan l) ? l : null;
        }
    }

    private static string Key(Multiaddr address) => address.ToString().Split("/p2p/")[0];

    public TimeSpan Now => _clock.GetUtcNow() - _start;

    private TreeNodeOptions Options(int fanOut)
    {
        var options = new TreeNodeOptions { MaxChildren = fanOut, TimeProvider = _clock, ProbeCandidates = settings.ProbeCandidates };
        if (settings.Trace)
        {
            options.LoggerFactory = new SimTrace(() => Now, log, _nodes.Count);
        }

        return options;
    }

    public async Task<SimNode> StartRootAsync()
    {
        var root = await StartNodeAsync().ConfigureAwait(false);
        Named(root);
        root.Media.Publish(Stream);
        root.Tree.Broadcast(Stream);
        root.JoinedAfter = TimeSpan.Zero;
        _nodes.Add(root);
        return root;
    }

    /// <summary>A joiner that knows the root and a few random members (what a signal room or provider records give).</summary>
    public async Task<SimNode> JoinAsync()
    {
        var node = await StartNodeAsync().ConfigureAwait(false);
        Named(node);
        var live = _nodes.Where(n => !n.Killed).ToList();
        var seeds = new List<TreeCandidate> { live[0].Tree.AsCandidate(Stream) with { Depth = int.MaxValue, Free = -1 } };
        for (int i = 0; i < settings.Seeds && live.Count > 1; i++)
        {
            seeds.Add(live[_random.Next(1, live.Count)].Tree.AsCandidate(Stream) with { Depth = int.MaxValue, Free = -1 });
        }

        node.StartedAt = Now;
        _nodes.Add(node);
        node.Membership = node.Tree.Join(Stream, seeds);
        return node;
    }

    private static void Named(SimNode node)
    {
        if (node.Tree.Options.LoggerFactory is SimTrace trace)
        {
            trace.Name = node.PeerId.ToString()[^6..];
        }
    }

    /// <summary>Moves the virtual clock by <paramref name="span"/>, a step at a time, letting the pool finish each step's work.</summary>
    public void Advance(TimeSpan span, Action? eachStep = null)
    {
        for (TimeSpan done = TimeSpan.Zero; done < span; done += Step)
        {
            _clock.Advance(Step);
            Steps++;
            if (!Quiesce(settings.QuiesceLimit))
            {
                OverloadedSteps++;
            }

            eachStep?.Invoke();
        }
    }

    /// <summary>Virtual steps taken, and those after which the work of the step had not settled within the limit.</summary>
    public long Steps { get; private set; }

    /// <summary>
    /// Steps whose work was still going when <see cref="SimSettings.QuiesceLimit"/> of real time ran out: the clock moved
    /// on anyway, so messages queued behind it arrive late in virtual time. Results with many are not to be trusted
    /// (the machine could not keep up with the simulated network, e.g. 10,000 nodes' heartbeats on two cores).
    /// </summary>
    public long OverloadedSteps { get; private set; }

    /// <summary>
    /// Waits until the thread pool has nothing queued and completes nothing more for a moment; false when
    /// <paramref name="limit"/> of real time ran out first.
    /// </summary>
    public static bool Quiesce(TimeSpan limit)
    {
        // Nothing queued and nothing completed for three looks in a row, 150 µs apart (a running item completes between
        // two: the work here is message handling and Noise handshakes, tens of µs each). While the pool is still busy
        // after the first millisecond the thread sleeps between looks instead of spinning, leaving the cores to the pool
        // (spinning took a tenth of the CPU at 1,000 nodes); once it looks idle, the looks are spun again so that the end
        // of the step is seen within half a millisecond.
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        long giveUp = start + (long)(System.Diagnostics.Stopwatch.Frequency * limit.TotalSeconds);
        long spinOnly = start + (System.Diagnostics.Stopwatch.Frequency / 1000);
        long last = -1;
        int stable = 0;
        while (stable < 3)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (now >= giveUp)
            {
                return false;
            }

            long done = ThreadPool.CompletedWorkItemCount;
            stable = ThreadPool.PendingWorkItemCount == 0 && done == last ? stable + 1 : 0;
            last = done;
            if (stable == 0 && now >= spinOnly)
            {
                Thread.Sleep(1);
                continue;
            }

            long until = now + (System.Diagnostics.Stopwatch.Frequency * 150 / 1_000_000);
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
            {
                Thread.Yield();
            }
        }

        return true;
    }

    /// <summary>Records when each node first has the stream.</summary>
    public void NoteJoins()
    {
        foreach (var n in _nodes)
        {
            if (n.JoinedAfter is null && !n.Killed && n.Media.HasSource(Stream))
            {
                n.JoinedAfter = Now - n.StartedAt;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var n in _nodes)
        {
            await n.DisposeAsync().ConfigureAwait(false);
        }
    }
}
