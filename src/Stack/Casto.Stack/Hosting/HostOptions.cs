using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Stack.Hosting;

/// <summary>What a <see cref="CastoHost"/> is made of, and its limits. Every limit has a documented default.</summary>
public sealed class HostOptions
{
    /// <summary>The node's identity (required).</summary>
    public PrivateKey? Identity { get; set; }

    /// <summary>Addresses to listen on, e.g. <c>/ip4/127.0.0.1/tcp/0</c> (default none: dial only).</summary>
    public IList<Multiaddr> ListenAddresses { get; } = [];

    /// <summary>Transports, tried in order (at least one).</summary>
    public IList<ITransport> Transports { get; } = [];

    /// <summary>Security protocols in order of preference (at least one).</summary>
    public IList<ISecureChannel> SecureChannels { get; } = [];

    /// <summary>Stream muxers in order of preference (at least one).</summary>
    public IList<IStreamMuxer> Muxers { get; } = [];

    /// <summary>
    /// Most open connections in total (default 256), a hard limit: dials and inbound connections beyond it are refused.
    /// The <see cref="ConnectionManager"/> keeps the count well below it.
    /// </summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>Most connections to one peer (default 2); a dial reuses an existing connection.</summary>
    public int MaxConnectionsPerPeer { get; set; } = 2;

    /// <summary>Inbound connections allowed to be in the security/muxer handshake at once (default 64).</summary>
    public int MaxPendingInbound { get; set; } = 64;

    /// <summary>Time for a new connection to finish security and muxer negotiation (default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for a new stream to agree on its protocol (default 10 s).</summary>
    public TimeSpan StreamNegotiationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Inbound streams per connection being negotiated or handled at once (default 256).</summary>
    public int MaxInboundStreamsPerConnection { get; set; } = 256;

    /// <summary>Peers remembered by the peer store (default 1024; least recently seen are evicted).</summary>
    public int MaxPeerStoreEntries { get; set; } = 1024;

    /// <summary>When the host closes idle connections and trims to its watermarks (defaults: 160/192, 20 s grace, 60 s idle).</summary>
    public ConnectionManagerOptions ConnectionManager { get; set; } = new();

    /// <summary>Sent in identify (default "casto/&lt;version&gt;").</summary>
    public string AgentVersion { get; set; } = "casto/" + typeof(HostOptions).Assembly.GetName().Version?.ToString(3);

    /// <summary>Sent in identify (default "ipfs/0.1.0", as js-libp2p and go-libp2p send).</summary>
    public string ProtocolVersion { get; set; } = "ipfs/0.1.0";

    /// <summary>Time source for timeouts (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logging (default none).</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    internal PrivateKey Validate()
    {
        var identity = Identity ?? throw new ArgumentException("HostOptions.Identity is required.", nameof(Identity));
        if (Transports.Count == 0 || SecureChannels.Count == 0 || Muxers.Count == 0)
        {
            throw new ArgumentException("A host needs at least one transport, one secure channel and one muxer.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerPeer, 1, nameof(MaxConnectionsPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingInbound, 1, nameof(MaxPendingInbound));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInboundStreamsPerConnection, 1, nameof(MaxInboundStreamsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPeerStoreEntries, 1, nameof(MaxPeerStoreEntries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StreamNegotiationTimeout, TimeSpan.Zero, nameof(StreamNegotiationTimeout));
        ArgumentNullException.ThrowIfNull(ConnectionManager, nameof(ConnectionManager));
        ConnectionManager.Validate(MaxConnections);
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        return identity;
    }
}
