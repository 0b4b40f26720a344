using Casto.Stack.Buffers;
using Casto.Stack.Identity;
using Casto.Stack.Muxers.Yamux;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Tcp;

namespace Casto.Stack.Hosting;

/// <summary>The default stack, wire-compatible with js-libp2p and go-libp2p: TCP, Noise, Yamux.</summary>
public static class HostDefaults
{
    /// <summary>Options with TCP, <c>/noise</c> and <c>/yamux/1.0.0</c>; add listen addresses and tune limits as needed.</summary>
    public static HostOptions Create(PrivateKey identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var options = new HostOptions { Identity = identity };
        var pool = new BlockMemoryPool(); // one bounded pool for the stream pipes of this host
        options.Transports.Add(new TcpTransport()); // its own pool of large receive blocks
        options.SecureChannels.Add(new NoiseSecureChannel(identity));
        options.Muxers.Add(new YamuxMuxer(new YamuxOptions { MemoryPool = pool }));
        return options;
    }
}
