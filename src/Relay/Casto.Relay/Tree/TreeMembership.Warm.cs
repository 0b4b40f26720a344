using Casto.Stack.Hosting;
using Casto.Stack.Identity;

namespace Casto.Relay.Tree;

/// <summary>
/// A warm connection to the grandparent: where a child goes first when its parent crashes. Dialled in the background
/// while the parent lives, so the rejoin skips TCP, Noise and muxer negotiation (about five round trips) and starts
/// at the tree stream. One per stream; replaced when the grandparent changes, closed with the membership. It has no
/// stream while the parent lives, so the grandparent is protected from the host's connection manager (tag
/// <see cref="TreeNode.WarmTag"/>) while it is kept warm.
/// </summary>
public sealed partial class TreeMembership
{
    private PeerId? _warmPeer;
    private PeerConnection? _warm;

    /// <summary>The grandparent this membership keeps a connection to, if any.</summary>
    internal PeerId? WarmPeer
    {
        get
        {
            lock (_gate)
            {
                return _warmPeer;
            }
        }
    }

    /// <summary>After the position changed: keep a connection to our parent's parent (the nearest ancestor but one).</summary>
    private void KeepGrandparentWarm(CancellationToken cancellationToken)
    {
        IReadOnlyList<TreeCandidate> ancestors = _position.Ancestors;
        TreeCandidate? grandparent = ancestors.Count >= 2 ? ancestors[^2] : null;
        PeerConnection? old;
        PeerId? oldPeer;
        lock (_gate)
        {
            if (grandparent is null || grandparent.PeerId.Equals(_warmPeer) || grandparent.PeerId.Equals(_node.PeerId))
            {
                return;
            }

            (old, oldPeer, _warm, _warmPeer) = (_warm, _warmPeer, null, grandparent.PeerId);
        }

        _node.HoldWarm(grandparent.PeerId); // protected before the dial: the connection manager never cuts it
        Release(oldPeer);
        CloseUnlessNeeded(old);
        _ = DialWarmAsync(grandparent, cancellationToken);
    }

    private async Task DialWarmAsync(TreeCandidate grandparent, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new CancellationTokenSource(_node.Options.JoinTimeout, _node.Options.TimeProvider);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            _node.Host.PeerStore.AddAddresses(grandparent.PeerId, grandparent.Addresses);
            PeerConnection connection = await _node.Host.DialAsync(grandparent.PeerId, bound.Token).ConfigureAwait(false);
            bool kept;
            lock (_gate)
            {
                kept = grandparent.PeerId.Equals(_warmPeer) && _disposed == 0;
                if (kept)
                {
                    _warm = connection;
                }
            }

            if (!kept)
            {
                CloseUnlessNeeded(connection);
            }
        }
        catch (Exception ex) when (ex is IOException or HostException or OperationCanceledException or ObjectDisposedException or TimeoutException or FormatException)
        {
            // No warm connection: a rejoin dials as usual.
        }
    }

    /// <summary>Closes a warm connection that no tree link uses (it may have become our parent's or a child's).</summary>
    private void CloseUnlessNeeded(PeerConnection? connection)
    {
        if (connection is not null && !_node.IsNeighbour(connection.RemotePeer))
        {
            _ = CloseQuietlyAsync(connection);
        }
    }

    /// <summary>On dispose: the warm connection goes.</summary>
    private void DropWarm()
    {
        PeerConnection? old;
        PeerId? oldPeer;
        lock (_gate)
        {
            (old, oldPeer, _warm, _warmPeer) = (_warm, _warmPeer, null, null);
        }

        Release(oldPeer);
        CloseUnlessNeeded(old);
    }

    private void Release(PeerId? warmPeer)
    {
        if (warmPeer is not null)
        {
            _node.ReleaseWarm(warmPeer);
        }
    }
}
