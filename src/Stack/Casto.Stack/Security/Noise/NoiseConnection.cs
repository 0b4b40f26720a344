// Spec: https://github.com/libp2p/specs/blob/master/noise/README.md#encryption-and-io
using System.IO.Pipelines;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Memory;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// A connection secured by a completed Noise handshake. It wraps the raw connection: its
/// <see cref="Transport"/> decrypts frames from the raw input as they are read and encrypts into the raw
/// output as they are flushed. Completing its output half-closes the raw output.
/// </summary>
internal sealed class NoiseConnection : ISecureConnection, INoiseExtensionsFeature
{
    private readonly IDuplexConnection _inner;
    private readonly RemoteIdentity _remote;

    public NoiseConnection(IDuplexConnection inner, CipherState send, CipherState receive, PeerId localPeer, RemoteIdentity remote)
    {
        _inner = inner;
        _remote = remote;
        LocalPeer = localPeer;
        RemotePeer = PeerId.FromPublicKey(remote.PublicKey);
        Transport = new DuplexPipe(new NoisePipeReader(inner, receive), new NoisePipeWriter(inner, send));
    }

    /// <inheritdoc/>
    public IDuplexPipe Transport { get; }

    /// <inheritdoc/>
    public Multiaddr LocalAddress => _inner.LocalAddress;

    /// <inheritdoc/>
    public Multiaddr RemoteAddress => _inner.RemoteAddress;

    /// <inheritdoc/>
    public CancellationToken Closed => _inner.Closed;

    /// <inheritdoc/>
    public PeerId LocalPeer { get; }

    /// <inheritdoc/>
    public PeerId RemotePeer { get; }

    /// <inheritdoc/>
    public PublicKey RemotePublicKey => _remote.PublicKey;

    /// <inheritdoc/>
    public IReadOnlyList<string> RemoteStreamMuxers => _remote.StreamMuxers;

    /// <inheritdoc/>
    public IReadOnlyList<ReadOnlyMemory<byte>> RemoteWebTransportCertHashes => _remote.WebTransportCertHashes;

    /// <inheritdoc/>
    public void Abort(Exception? reason = null) => _inner.Abort(reason);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Completing our halves encrypts anything unflushed, completes the raw halves and frees the buffers.
        await Transport.Output.CompleteAsync().ConfigureAwait(false);
        await Transport.Input.CompleteAsync().ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Noise connection {LocalPeer} -> {RemotePeer}";
}
