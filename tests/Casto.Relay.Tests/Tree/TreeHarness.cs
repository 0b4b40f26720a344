using System.Net;
using Casto.Relay.Forwarding;
using Casto.Relay.Tree;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Tests.Tree;

/// <summary>Tree nodes in this process, each a libp2p host on 127.0.0.1 TCP, a forwarding node on its own UDP mux and a <see cref="TreeNode"/>.</summary>
internal sealed class TreeHarness : IAsyncDisposable
{
    public const string Stream = "live";

    /// <summary>The tree test classes run one after another: each starts up to 30 nodes on the machine's two cores.</summary>
    public const string Collection = "tree";
    private readonly List<Node> _nodes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clips = [];

    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>When set, nodes started by <see cref="StartRootAsync"/> and <see cref="JoinAsync"/> log their tree events here, labelled.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string>? Log { get; set; }

    /// <summary>When set, every node started from now on uses the library's default retry pause cap rather than the test's 500 ms.</summary>
    public bool DefaultRetries { get; set; }

    /// <summary>When set, every node started from now on looks for a better place this often (the library's default is 5 s).</summary>
    public TimeSpan? RebalanceInterval { get; set; }

    private TreeNodeOptions Logged(TreeNodeOptions options, string label)
    {
        if (RebalanceInterval is { } rebalance)
        {
            options.RebalanceInterval = rebalance;
        }

        if (DefaultRetries)
        {
            options.MaxRetryDelay = new TreeNodeOptions().MaxRetryDelay;
        }

        if (Log is not null)
        {
            options.LoggerFactory = new ListLogger(label, Log);
        }

        return options;
    }

    /// <summary>One node of the tree.</summary>
    internal sealed class Node(PrivateKey key, CastoHost host, IceUdpMux mux, ForwardingNode forwarding, TreeNode tree) : IAsyncDisposable
    {
        private bool _disposed;

        public CastoHost Host => host;

        public ForwardingNode Forwarding => forwarding;

        public TreeNode Tree => tree;

        public TreeMembership? Membership { get; set; }

        public PeerId PeerId => host.PeerId;

        public TreeStreamStatus Status => tree.GetStatus(Stream) ?? throw new InvalidOperationException("not in the tree");

        public long PacketsIn => forwarding.GetStream(Stream)?.GetStats().Video.PacketsIn ?? 0;

        public bool Disposed => _disposed;

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await tree.DisposeAsync();
            await host.DisposeAsync();
            await forwarding.DisposeAsync();
            await mux.DisposeAsync();
            key.Dispose();
        }
    }

    /// <summary>A node; with <paramref name="lag"/>, every connection dialled to it holds its bytes this long each way (<see cref="LaggedTransport"/>).</summary>
    public static async Task<Node> StartNodeAsync(TreeNodeOptions? options = null, PrivateKey? identity = null, int tcpPort = 0, TimeSpan lag = default)
    {
        var key = identity ?? PrivateKey.Generate();
        var hostOptions = HostDefaults.Create(key);
        if (lag > TimeSpan.Zero)
        {
            hostOptions.Transports[0] = new LaggedTransport(hostOptions.Transports[0], lag);
        }

        hostOptions.ListenAddresses.Add(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{tcpPort}"));
        var host = await CastoHost.StartAsync(hostOptions);
        var mux = IceUdpMux.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var forwarding = new ForwardingNode(new ForwardingNodeOptions { UdpMux = mux });
        return new Node(key, host, mux, forwarding, new TreeNode(host, forwarding, options ?? Fast()));
    }

    /// <summary>
    /// Test timings: 100 ms heartbeats (the default), short join retries, and a 1 s parent silence timeout rather than
    /// 300 ms, since the test classes run in parallel on two cores (a killed parent is noticed at once anyway: its
    /// sockets close).
    /// </summary>
    public static TreeNodeOptions Fast(int maxChildren = 2) => new()
    {
        MaxChildren = maxChildren, JoinTimeout = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(500), ParentTimeout = TimeSpan.FromSeconds(1),
    };

    /// <summary>A root publishing the built-in clip (looped) into its forwarding node over a local WHIP-like session.</summary>
    public async Task<Node> StartRootAsync(int maxChildren = 2, PrivateKey? identity = null, int tcpPort = 0, TreeNodeOptions? options = null)
    {
        Node root = await StartNodeAsync(Logged(options ?? Fast(maxChildren), "root"), identity, tcpPort);
        _nodes.Add(root);
        var publisher = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly, Audio = false, ReceiveQueueCapacity = 0 });
        string offer = await publisher.CreateOfferAsync();
        publisher.SetLocalDescription(RtcSdpType.Offer, offer);
        var session = await root.Forwarding.PublishAsync(Stream, offer);
        publisher.SetRemoteDescription(RtcSdpType.Answer, session.Answer);
        await publisher.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        root.Tree.Broadcast(Stream);
        var clip = await MediaSources.LoadDefaultVp8Async();
        _clips.Add(Task.Run(async () =>
        {
            try
            {
                await RtcClipSender.SendAsync(publisher, clip, loop: true, cancellationToken: _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or PeerConnectionException)
            {
            }
            finally
            {
                await publisher.DisposeAsync();
            }
        }));
        return root;
    }

    /// <summary>A node that joins through <paramref name="seeds"/> (the root when none given).</summary>
    public async Task<Node> JoinAsync(int maxChildren = 2, params Node[] seeds)
    {
        Node node = await StartNodeAsync(Logged(Fast(maxChildren), $"n{_nodes.Count}"));
        _nodes.Add(node);
        Node[] from = seeds.Length > 0 ? seeds : [_nodes[0]];
        node.Membership = node.Tree.Join(Stream, from.Select(s => s.Tree.AsCandidate(Stream) with { Depth = int.MaxValue, Free = -1 }));
        return node;
    }

    /// <summary>
    /// A node with <paramref name="options"/> (logged) that joins through <paramref name="candidates"/> as given (their
    /// depth and room included); with <paramref name="lag"/>, a node far from whoever dials it.
    /// </summary>
    public async Task<Node> JoinThroughAsync(TreeNodeOptions options, IEnumerable<TreeCandidate> candidates, TimeSpan lag = default)
    {
        Node node = await StartNodeAsync(Logged(options, $"n{_nodes.Count}"), lag: lag);
        _nodes.Add(node);
        node.Membership = node.Tree.Join(Stream, candidates);
        return node;
    }

    /// <summary>A viewer of <paramref name="node"/>'s stream (a WHEP-like session on its forwarding node) that records every video sequence number.</summary>
    public static async Task<Viewer> WatchAsync(Node node)
    {
        var pc = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, Audio = false, ReceiveQueueCapacity = 0 });
        var viewer = new Viewer(pc);
        string offer = await pc.CreateOfferAsync();
        pc.SetLocalDescription(RtcSdpType.Offer, offer);
        var session = await node.Forwarding.SubscribeAsync(Stream, offer);
        pc.SetRemoteDescription(RtcSdpType.Answer, session.Answer);
        await pc.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return viewer;
    }

    /// <summary>Every RTP sequence number received, unwrapped.</summary>
    internal sealed class Viewer : IAsyncDisposable
    {
        private readonly RtcPeerConnection _pc;
        private readonly HashSet<long> _seen = [];
        private long _last = -1;

        public Viewer(RtcPeerConnection pc)
        {
            _pc = pc;
            pc.RtpReceived += (_, packet) =>
            {
                if (!RtpPacket.TryRead(packet, out RtpHeader header, out ReadOnlySpan<byte> _))
                {
                    return;
                }

                lock (_seen)
                {
                    long unwrapped = _last < 0 ? header.SequenceNumber : _last + (short)(header.SequenceNumber - (ushort)_last);
                    _seen.Add(unwrapped);
                    _last = Math.Max(_last, unwrapped);
                }
            };
        }

        public int Count
        {
            get
            {
                lock (_seen)
                {
                    return _seen.Count;
                }
            }
        }

        /// <summary>Sequence numbers missing between the first and the last received.</summary>
        public List<long> Missing()
        {
            lock (_seen)
            {
                long first = _seen.Min();
                return [.. Enumerable.Range(0, (int)(_last - first + 1)).Select(i => first + i).Where(s => !_seen.Contains(s))];
            }
        }

        public ValueTask DisposeAsync() => _pc.DisposeAsync();
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null) => WaitUntilAsync(condition, timeout, () => what ?? "condition");

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout, Func<string> what)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("Timed out waiting: " + what());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clips);
        foreach (Node n in Enumerable.Reverse(_nodes))
        {
            await n.DisposeAsync();
        }

        _stop.Dispose();
    }
}
