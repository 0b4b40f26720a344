using Casto.Relay.Forwarding;
using Casto.Relay.Tree;

namespace Casto.TreeSim;

/// <summary>
/// The tree's media plane with no media: a link between a parent and a child is one object; a node "has" a stream
/// when it is the root or its current upstream has flowed; a link's first packet comes as soon as its parent has the
/// stream (at once, or when the parent's own upstream first flows). Killing a node fails all its links.
/// </summary>
internal sealed class SimTreeMedia : ITreeMedia
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<SimLink>> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimLink> _sources = new(StringComparer.Ordinal);
    private readonly HashSet<string> _published = new(StringComparer.Ordinal);
    private readonly SimMediaNetwork _network;
    private bool _dead;

    public SimTreeMedia(SimMediaNetwork network) => _network = network;

    public void Publish(string stream)
    {
        lock (_gate)
        {
            _published.Add(stream);
        }

        Flowing(stream);
    }

    public bool HasSource(string stream)
    {
        lock (_gate)
        {
            return !_dead && (_published.Contains(stream) || (_sources.TryGetValue(stream, out var s) && s.Flowed && s.State == TreeLinkState.Connected));
        }
    }

    public (uint RtpTimestamp, long ArrivedUnixMicros)? NewestVideo(string stream) => null;

    public ResumePoint ResumePoint(string stream) => default;

    public async Task<ITreeLink> PullAsync(string stream, Func<string, CancellationToken, Task<string>> exchange, bool continuesNumbering, CancellationToken cancellationToken)
    {
        var link = new SimLink(stream, child: this);
        string token = _network.Offer(link);
        try
        {
            await exchange(token, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _network.Withdraw(token);
        }

        lock (_gate)
        {
            _sources[stream] = link; // the new parent replaces the old at once (the simulation has no make-before-break media)
        }

        if (link.Flowed)
        {
            Flowing(stream);
        }

        return link;
    }

    public Task<TreeSubscription> SubscribeAsync(string stream, string offer, ResumePoint resume, CancellationToken cancellationToken)
    {
        SimLink link = _network.Take(offer) ?? throw new ForwardingException(ForwardingError.InvalidSdp, "Not a simulated offer.");
        bool flowing = HasSource(stream);
        lock (_gate)
        {
            if (_dead)
            {
                throw new ForwardingException(ForwardingError.Closed, "Killed.");
            }

            if (!_children.TryGetValue(stream, out var set))
            {
                _children[stream] = set = [];
            }

            set.Add(link);
        }

        link.Connect(this);
        if (flowing)
        {
            link.Flow();
        }

        return Task.FromResult(new TreeSubscription(link, "sim answer"));
    }

    public Task EndAsync(ITreeLink link)
    {
        ((SimLink)link).End(TreeLinkState.Closed);
        return Task.CompletedTask;
    }

    /// <summary>A crash: every link of this node fails.</summary>
    public void Kill()
    {
        SimLink[] links;
        lock (_gate)
        {
            _dead = true;
            links = [.. _children.Values.SelectMany(s => s), .. _sources.Values];
        }

        foreach (var link in links)
        {
            link.End(TreeLinkState.Failed);
        }
    }

    internal void Forget(SimLink link)
    {
        lock (_gate)
        {
            if (link.Parent == this && _children.TryGetValue(link.Stream, out var set))
            {
                set.Remove(link);
            }

            if (link.Child == this && _sources.GetValueOrDefault(link.Stream) == link)
            {
                _sources.Remove(link.Stream);
            }
        }
    }

    /// <summary>This node has the stream now: children waiting for their first packet get it.</summary>
    internal void Flowing(string stream)
    {
        SimLink[] waiting;
        lock (_gate)
        {
            waiting = _children.TryGetValue(stream, out var set) ? [.. set.Where(l => !l.Flowed)] : [];
        }

        foreach (var link in waiting)
        {
            link.Flow();
        }
    }
}
