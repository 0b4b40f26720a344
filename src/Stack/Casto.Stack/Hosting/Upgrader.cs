// Spec: https://github.com/libp2p/specs/blob/master/connections/README.md#upgrading-connections
// raw connection → multistream-select a security protocol → secure → multistream-select a muxer → session.
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multistream;

namespace Casto.Stack.Hosting;

/// <summary>Upgrades raw transport connections, in the fixed order security then muxer.</summary>
internal sealed class Upgrader(HostOptions options)
{
    private readonly string[] _securityIds = [.. options.SecureChannels.Select(c => c.ProtocolId)];
    private readonly string[] _muxerIds = [.. options.Muxers.Select(m => m.ProtocolId)];

    public async ValueTask<(ISecureConnection Secure, IMuxedConnection Muxed)> UpgradeAsync(
        IDuplexConnection raw, bool outbound, PeerId? expectedPeer, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.HandshakeTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var securityId = outbound
                ? await MultistreamSelect.SelectAsync(raw.Transport, _securityIds, linked.Token).ConfigureAwait(false)
                : await MultistreamSelect.HandleAsync(raw.Transport, _securityIds, linked.Token).ConfigureAwait(false);
            var channel = options.SecureChannels.First(c => c.ProtocolId == securityId);
            var secure = outbound
                ? await channel.SecureOutboundAsync(raw, expectedPeer, linked.Token).ConfigureAwait(false)
                : await channel.SecureInboundAsync(raw, linked.Token).ConfigureAwait(false);
            if (expectedPeer is not null && secure.RemotePeer != expectedPeer)
            {
                throw new HostException(HostError.PeerIdMismatch, $"Dialed {expectedPeer} but the remote is {secure.RemotePeer}.");
            }

            var muxerId = outbound
                ? await MultistreamSelect.SelectAsync(secure.Transport, _muxerIds, linked.Token).ConfigureAwait(false)
                : await MultistreamSelect.HandleAsync(secure.Transport, _muxerIds, linked.Token).ConfigureAwait(false);
            var muxer = options.Muxers.First(m => m.ProtocolId == muxerId);
            return (secure, muxer.Create(secure, isInitiator: outbound));
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var timedOut = new HostException(HostError.HandshakeTimeout, $"The handshake with {raw.RemoteAddress} did not finish within {options.HandshakeTimeout}.", ex);
            raw.Abort(timedOut);
            throw timedOut;
        }
        catch (Exception ex)
        {
            raw.Abort(ex);
            throw;
        }
    }
}
