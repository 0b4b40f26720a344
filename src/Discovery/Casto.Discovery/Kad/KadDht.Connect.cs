using Casto.Stack.Hosting;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Kad;

/// <content>
/// Connections for outbound RPCs: an open one is reused, otherwise the peer's addresses are dialled. The DHT does not
/// close them; the host's connection manager closes idle ones and trims above its high watermark (routing-table peers
/// need no protection: a later request dials again).
/// </content>
public sealed partial class KadDht
{
    /// <summary>
    /// A request stream to <paramref name="peer"/>. The host's connection manager may close a reused connection
    /// between finding it and opening the stream (the stream counts from the open on, so a request in flight is
    /// safe); then one fresh connection is tried.
    /// </summary>
    private async ValueTask<StreamContext> OpenStreamAsync(KadPeer peer, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(peer, cancellationToken).ConfigureAwait(false);
        try
        {
            return await connection.NewStreamAsync(_options.ProtocolId, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException) when (connection.IsClosing && !cancellationToken.IsCancellationRequested)
        {
            connection = await ConnectAsync(peer, cancellationToken).ConfigureAwait(false);
            return await connection.NewStreamAsync(_options.ProtocolId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<PeerConnection> ConnectAsync(KadPeer peer, CancellationToken cancellationToken)
    {
        if (_host.FindConnection(peer.PeerId) is { } existing)
        {
            return existing;
        }

        Exception? last = null;
        foreach (var address in peer.Addresses)
        {
            try
            {
                return await _host.DialAsync(address.Decapsulate(MultiaddrProtocol.P2p).WithPeerId(peer.PeerId), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or FormatException)
            {
                last = ex;
            }
        }

        throw new KadException(KadError.Unreachable, $"No address of {peer.PeerId} could be dialed.", last);
    }
}
