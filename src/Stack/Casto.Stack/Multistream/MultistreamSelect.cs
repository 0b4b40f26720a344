// Spec: https://github.com/multiformats/multistream-select
// Behaviour matched to js-libp2p 3.x: the dialer sends the header and its first proposal in one write and
// negotiates fully (no optimistic data); the listener answers "na" to unknown protocols and "ls" with its list.
using System.IO.Pipelines;

namespace Casto.Stack.Multistream;

/// <summary>multistream-select 1.0: agree on a protocol at the start of a connection or stream.</summary>
public static class MultistreamSelect
{
    /// <summary>The protocol id of multistream-select itself.</summary>
    public const string ProtocolId = "/multistream/1.0.0";

    /// <summary>Proposals a listener answers before giving up on a remote (bounds a chatty or hostile peer).</summary>
    public const int MaxAttempts = 32;

    private const string NotAvailable = "na";

    /// <summary>Dialer side: proposes <paramref name="protocols"/> in order; returns the one the remote accepted.</summary>
    public static async ValueTask<string> SelectAsync(IDuplexPipe pipe, IReadOnlyList<string> protocols, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(protocols);
        if (protocols.Count == 0)
        {
            throw new ArgumentException("Propose at least one protocol.", nameof(protocols));
        }

        MultistreamMessage.Write(ProtocolId, pipe.Output);
        var headerChecked = false;
        foreach (var protocol in protocols)
        {
            MultistreamMessage.Write(protocol, pipe.Output);
            await FlushAsync(pipe.Output, cancellationToken).ConfigureAwait(false);
            if (!headerChecked)
            {
                await ExpectHeaderAsync(pipe.Input, cancellationToken).ConfigureAwait(false);
                headerChecked = true;
            }

            var answer = await ReadAsync(pipe.Input, cancellationToken).ConfigureAwait(false);
            if (answer == protocol)
            {
                return protocol;
            }

            if (answer != NotAvailable)
            {
                throw new MultistreamException(MultistreamError.InvalidMessage, $"Unexpected answer '{answer}' to '{protocol}'.");
            }
        }

        throw new MultistreamException(MultistreamError.NoCommonProtocol, $"The remote supports none of: {string.Join(", ", protocols)}.");
    }

    /// <summary>Listener side: answers proposals until one is supported; returns it.</summary>
    public static async ValueTask<string> HandleAsync(IDuplexPipe pipe, IReadOnlyCollection<string> supported, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(supported);
        await ExpectHeaderAsync(pipe.Input, cancellationToken).ConfigureAwait(false);
        MultistreamMessage.Write(ProtocolId, pipe.Output);
        await FlushAsync(pipe.Output, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var proposal = await ReadAsync(pipe.Input, cancellationToken).ConfigureAwait(false);
            if (supported.Contains(proposal))
            {
                MultistreamMessage.Write(proposal, pipe.Output);
                await FlushAsync(pipe.Output, cancellationToken).ConfigureAwait(false);
                return proposal;
            }

            if (proposal == "ls")
            {
                MultistreamMessage.WriteList(supported, pipe.Output);
            }
            else if (proposal == ProtocolId)
            {
                MultistreamMessage.Write(ProtocolId, pipe.Output);
            }
            else
            {
                MultistreamMessage.Write(NotAvailable, pipe.Output);
            }

            await FlushAsync(pipe.Output, cancellationToken).ConfigureAwait(false);
        }

        throw new MultistreamException(MultistreamError.TooManyAttempts, $"No agreement after {MaxAttempts} proposals.");
    }

    private static async ValueTask ExpectHeaderAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var header = await ReadAsync(input, cancellationToken).ConfigureAwait(false);
        if (header != ProtocolId)
        {
            throw new MultistreamException(MultistreamError.UnsupportedVersion, $"Expected '{ProtocolId}', got '{Clip(header)}'.");
        }
    }

    private static async ValueTask<string> ReadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            bool complete;
            string text;
            SequencePosition consumed;
            try
            {
                complete = MultistreamMessage.TryRead(buffer, out text, out consumed);
            }
            catch (MultistreamException)
            {
                input.AdvanceTo(buffer.Start);
                throw;
            }

            if (complete)
            {
                input.AdvanceTo(consumed);
                return text;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new MultistreamException(MultistreamError.Closed, "The connection closed during protocol negotiation.");
            }
        }
    }

    private static async ValueTask FlushAsync(PipeWriter output, CancellationToken cancellationToken)
    {
        var result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new MultistreamException(MultistreamError.Closed, "The connection closed during protocol negotiation.");
        }
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
