using Casto.Relay.Tree;

namespace Casto.TreeSim;

/// <summary>One simulated media link: the parent's downstream and the child's upstream at once.</summary>
internal sealed class SimLink(string stream, SimTreeMedia child) : ITreeLink
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state = (int)TreeLinkState.Connecting;

    public string Stream { get; } = stream;

    public SimTreeMedia Child { get; } = child;

    public SimTreeMedia? Parent { get; private set; }

    public bool Flowed => _first.Task.IsCompleted;

    public Task FirstPacket => _first.Task;

    public TreeLinkState State => (TreeLinkState)Volatile.Read(ref _state);

    public event Action<TreeLinkState>? StateChanged;

    public Task WaitConnectedAsync(CancellationToken cancellationToken) => _connected.Task.WaitAsync(cancellationToken);

    public void Connect(SimTreeMedia parent)
    {
        Parent = parent;
        if (Interlocked.CompareExchange(ref _state, (int)TreeLinkState.Connected, (int)TreeLinkState.Connecting) == (int)TreeLinkState.Connecting)
        {
            _connected.TrySetResult();
            StateChanged?.Invoke(TreeLinkState.Connected);
        }
    }

    /// <summary>The first packet: the child has the stream too, and passes it on.</summary>
    public void Flow()
    {
        if (State == TreeLinkState.Connected && _first.TrySetResult())
        {
            Child.Flowing(Stream);
        }
    }

    public void End(TreeLinkState how)
    {
        int was = Interlocked.Exchange(ref _state, (int)how);
        if (was is (int)TreeLinkState.Closed or (int)TreeLinkState.Failed)
        {
            Volatile.Write(ref _state, was);
            return;
        }

        _connected.TrySetException(new IOException("The simulated link ended."));
        Parent?.Forget(this);
        Child.Forget(this);
        StateChanged?.Invoke(how);
    }
}

/// <summary>Offers in flight: a joiner's link waiting for its parent's answer, by token.</summary>
internal sealed class SimMediaNetwork
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SimLink> _offers = new();
    private long _next;

    public string Offer(SimLink link)
    {
        string token = "sim-offer-" + Interlocked.Increment(ref _next);
        _offers[token] = link;
        return token;
    }

    public SimLink? Take(string token) => _offers.TryRemove(token, out var link) ? link : null;

    public void Withdraw(string token) => _offers.TryRemove(token, out _);
}
