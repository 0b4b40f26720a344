using Casto.Relay.Tree;
using Casto.Stack.Buffers;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Muxers.Yamux;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Memory;

namespace Casto.TreeSim;

/// <summary>One simulated node: a real libp2p host (memory transport, Noise, Yamux) and a real TreeNode over <see cref="SimTreeMedia"/>.</summary>
internal sealed class SimNode : IAsyncDisposable
{
    private readonly PrivateKey _key;

    private SimNode(PrivateKey key, CastoHost host, SimTreeMedia media, TreeNode tree) => (_key, Host, Media, Tree) = (key, host, media, tree);

    public CastoHost Host { get; }

    public SimTreeMedia Media { get; }

    public TreeNode Tree { get; }

    public TreeMembership? Membership { get; set; }

    public PeerId PeerId => Host.PeerId;

    public TimeSpan? JoinedAfter { get; set; }

    public TimeSpan StartedAt { get; set; }

    public bool Killed { get; private set; }

    public static async Task<SimNode> StartAsync(
        MemoryNetwork network, SimMediaNetwork media, TimeProvider clock, TreeNodeOptions tree, TimeSpan latency, Func<Multiaddr, TimeSpan?>? latencyOf = null)
    {
        var key = PrivateKey.Generate();
        var options = new HostOptions { Identity = key, TimeProvider = clock, MaxConnections = 1024 };
        options.Transports.Add(new DelayedTransport(new MemoryTransport(network), latency, clock, latencyOf));
        options.SecureChannels.Add(new NoiseSecureChannel(key));
        options.Muxers.Add(new YamuxMuxer(new YamuxOptions { MemoryPool = new BlockMemoryPool(16 * 1024, 4) }));
        options.ListenAddresses.Add(Multiaddr.Parse("/memory/0"));
        var host = await CastoHost.StartAsync(options).ConfigureAwait(false);
        var m = new SimTreeMedia(media);
        return new SimNode(key, host, m, new TreeNode(host, m, tree));
    }

    /// <summary>A crash: links fail, connections close (as a killed process's sockets do), nothing is said.</summary>
    public async Task KillAsync()
    {
        Killed = true;
        Media.Kill();
        await Host.DisposeAsync().ConfigureAwait(false);
        await Tree.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Killed)
        {
            Killed = true;
            await Tree.DisposeAsync().ConfigureAwait(false);
            await Host.DisposeAsync().ConfigureAwait(false);
        }

        _key.Dispose();
    }
}
