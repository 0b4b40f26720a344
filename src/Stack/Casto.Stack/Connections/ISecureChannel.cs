using Casto.Stack.Identity;

namespace Casto.Stack.Connections;

/// <summary>A connection whose remote peer is authenticated and whose bytes are encrypted.</summary>
public interface ISecureConnection : IDuplexConnection
{
    /// <summary>Our peer id.</summary>
    PeerId LocalPeer { get; }

    /// <summary>The authenticated remote peer id.</summary>
    PeerId RemotePeer { get; }

    /// <summary>The remote peer's public key, as proven in the handshake.</summary>
    PublicKey RemotePublicKey { get; }
}

/// <summary>A security protocol (e.g. <c>/noise</c>): wraps a raw connection into a secure one.</summary>
public interface ISecureChannel
{
    /// <summary>The multistream-select protocol id.</summary>
    string ProtocolId { get; }

    /// <summary>Runs the responder side of the handshake.</summary>
    ValueTask<ISecureConnection> SecureInboundAsync(IDuplexConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Runs the initiator side; fails when the remote is not <paramref name="expectedPeer"/> (if given).</summary>
    ValueTask<ISecureConnection> SecureOutboundAsync(
        IDuplexConnection connection, PeerId? expectedPeer, CancellationToken cancellationToken = default);
}
