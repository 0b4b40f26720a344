using Casto.Relay.Tree.Wire;

namespace Casto.Relay.Tree;

/// <summary>Leaving on purpose: children are handed to new parents before this node stops forwarding.</summary>
public sealed partial class TreeNode
{
    /// <summary>
    /// Leaves every tree gracefully (make-before-break): takes no more joiners; names one child its successor to its
    /// own parent (which takes it over its limit for a moment); tells that child to go to the parent and the others to
    /// go to the successor (or the parent); keeps forwarding until each child has switched to its new parent and said
    /// so, or <see cref="TreeNodeOptions.HandOffTimeout"/> passes; then leaves its own parents. A root hands nothing off.
    /// </summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        TreePosition[] positions;
        lock (_gate)
        {
            positions = [.. _positions.Values];
        }

        await Task.WhenAll(positions.Select(p => HandOffAsync(p, cancellationToken))).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandOffAsync(TreePosition position, CancellationToken cancellationToken)
    {
        position.Leaving = true;
        TreeChild[] children = position.Children();
        TreeMembership? membership;
        lock (_gate)
        {
            membership = _memberships.GetValueOrDefault(position.Stream);
        }

        TreeCandidate? parent = position.Parent is not null && position.Ancestors.Count > 0 ? position.Ancestors[^1] : null;
        if (children.Length == 0 || parent is null || membership is null)
        {
            return; // a root, an orphan or a leaf: the children (if any) find their way as after a crash
        }

        int depth = Math.Max(position.Depth, 1);
        TreeChild successor = children.MaxBy(c => c.Free)!;
        TreeCandidate successorCandidate = successor.AsCandidate(depth);
        await membership.SendToParentAsync(HandOffMessage(successorCandidate), cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(children.Select(c => SendQuietlyAsync(
            c.Channel, c == successor ? HandOffMessage(parent) : HandOffMessage(successorCandidate, parent), cancellationToken))).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(children.Select(c => c.Gone.Task)).WaitAsync(_options.HandOffTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Children that did not move in time find a parent as after a crash.
        }
    }

    private static TreeMessage HandOffMessage(params TreeCandidate[] candidates)
    {
        var handOff = new HandOff();
        handOff.Candidates.Add(candidates.Select(c => c.ToWire()));
        return new TreeMessage { HandOff = handOff };
    }

    private static async Task SendQuietlyAsync(TreeChannel channel, TreeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await channel.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
    }
}
