// Spec: https://github.com/libp2p/specs/blob/master/noise/README.md#noise-extensions
namespace Casto.Stack.Security.Noise;

/// <summary>
/// The Noise extensions the remote sent in its (authenticated) handshake payload. An optional ability of
/// a Noise-secured connection: test with <c>connection is INoiseExtensionsFeature</c>. The upgrader uses
/// <see cref="RemoteStreamMuxers"/> for inlined muxer negotiation.
/// </summary>
internal interface INoiseExtensionsFeature
{
    /// <summary>The remote's <c>stream_muxers</c>, in its order of preference (empty when not sent).</summary>
    IReadOnlyList<string> RemoteStreamMuxers { get; }

    /// <summary>The remote's <c>webtransport_certhashes</c> (multihashes; empty when not sent).</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> RemoteWebTransportCertHashes { get; }
}
