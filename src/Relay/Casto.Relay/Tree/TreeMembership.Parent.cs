using Casto.Relay.Forwarding;
using Casto.Relay.Tree.Wire;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.WebRtc.PeerConnection;
using Google.Protobuf;

namespace Casto.Relay.Tree;

/// <summary>The join loop and the life with one parent.</summary>
public sealed partial class TreeMembership
{
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        TreeNodeOptions options = _node.Options;
        TimeSpan delay = options.RetryDelay;
        long? lostAt = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            bool hadParent = false;
            foreach (TreeCandidate candidate in Candidates())
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    hadParent = await TryParentAsync(candidate, lostAt, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or TreeException or ForwardingException or HostException
                    or PeerConnectionException or TimeoutException or FormatException or OperationCanceledException)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    Log.CandidateFailed(_node.Logger, Stream, candidate.PeerId, ex.Message);
                }

                if (hadParent)
                {
                    lostAt = options.TimeProvider.GetTimestamp();
                    break; // rank again: the lost parent's ancestors come first now
                }
            }

            if (!hadParent)
            {
                try
                {
                    await Task.Delay(delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
            else
            {
                delay = options.RetryDelay;
            }
        }
    }

    private static TreeCandidate[] Candidates(IEnumerable<Candidate> wire) =>
        [.. wire.Take(16).Select(c => TreeCandidate.FromWire(c)).OfType<TreeCandidate>()];

    /// <summary>
    /// Joins <paramref name="candidate"/>: false when it redirected or refused us; true when it was our parent, until
    /// it went (returned after it went). Throws what dialing or the exchange throws.
    /// </summary>
    private async Task<bool> TryParentAsync(TreeCandidate candidate, long? lostAt, CancellationToken cancellationToken)
    {
        TreeNodeOptions options = _node.Options;
        using var joining = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        joining.CancelAfter(options.JoinTimeout);
        _node.Host.PeerStore.AddAddresses(candidate.PeerId, candidate.Addresses);
        PeerConnection connection = await _node.Host.DialAsync(candidate.PeerId, joining.Token).ConfigureAwait(false);
        StreamContext context = await connection.NewStreamAsync(TreeNode.Protocol, joining.Token).ConfigureAwait(false);
        var channel = new TreeChannel(context.Stream, options.MaxMessageSize);
        await using (channel.ConfigureAwait(false))
        {
            var join = new Join { Stream = Stream, Capacity = (uint)options.MaxChildren };
            join.Addrs.Add(_node.Host.ListenAddresses.Take(8).Select(a => ByteString.CopyFrom(a.Bytes)));
            await channel.WriteAsync(new TreeMessage { Join = join }, joining.Token).ConfigureAwait(false);
            TreeMessage reply = await channel.ReadAsync(joining.Token).ConfigureAwait(false) ?? throw new IOException("The candidate ended the stream.");
            switch (reply.BodyCase)
            {
                case TreeMessage.BodyOneofCase.Redirect:
                    Learn(Candidates(reply.Redirect.Candidates));
                    return false;
                case TreeMessage.BodyOneofCase.Refuse:
                    Log.CandidateFailed(_node.Logger, Stream, candidate.PeerId, $"{reply.Refuse.Reason}: {reply.Refuse.Message}");
                    return false;
                case not TreeMessage.BodyOneofCase.Accept:
                    throw new TreeException(TreeError.Protocol, $"Expected Accept, Redirect or Refuse, got {reply.BodyCase}.");
            }

            PeerId[] path = TreeNode.FromWire(reply.Accept.Path, 64);
            if (path.Contains(_node.PeerId) || path.Length == 0 || !path[^1].Equals(candidate.PeerId))
            {
                await channel.WriteAsync(new TreeMessage { Leave = new Leave() }, joining.Token).ConfigureAwait(false);
                throw new TreeException(TreeError.Cycle, "The candidate is our descendant (or sent a path not ending with itself).");
            }

            ForwardingSession session = await _node.Forwarding.PullAsync(Stream, async (offer, ct) =>
            {
                await channel.WriteAsync(new TreeMessage { Offer = new SessionDescription { Sdp = offer } }, ct).ConfigureAwait(false);
                return (await channel.ExpectAsync(TreeMessage.BodyOneofCase.Answer, ct).ConfigureAwait(false)).Answer.Sdp;
            }, joining.Token).ConfigureAwait(false);
            try
            {
                var ancestors = Candidates(reply.Accept.Ancestors);
                return await LiveWithParentAsync(channel, candidate, session, ((int)reply.Accept.Depth, path, ancestors), lostAt, joining.Token, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await _node.EndQuietlyAsync(session).ConfigureAwait(false);
            }
        }
    }
}
