using Casto.Relay.Tree.Wire;
using Casto.Stack.Connections;
using Casto.Stack.Framing;

namespace Casto.Relay.Tree;

/// <summary>
/// One <c>/casto/tree/1.0.0</c> stream: length-prefixed <see cref="TreeMessage"/>s (uvarint length, then the protobuf),
/// read by one reader and written by any number of writers (serialised). Frames over the size limit, malformed
/// messages and an end inside a frame are <see cref="TreeException"/> (Protocol); a clean end reads as null.
/// </summary>
internal sealed class TreeChannel(IMuxedStream stream, int maxMessageSize) : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>The next message, or null when the peer ended the stream between messages.</summary>
    public async ValueTask<TreeMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await LengthPrefixed.ReadMessageAsync(stream.Input, TreeMessage.Parser, maxMessageSize, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new TreeException(TreeError.Protocol, "Bad tree message: " + ex.Message, ex);
        }
    }

    /// <summary>The next message, which must be of <paramref name="kind"/>; throws Protocol otherwise and IOException at the end.</summary>
    public async ValueTask<TreeMessage> ExpectAsync(TreeMessage.BodyOneofCase kind, CancellationToken cancellationToken)
    {
        TreeMessage? message = await ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("The tree stream ended.");
        return message.BodyCase == kind ? message : throw new TreeException(TreeError.Protocol, $"Expected {kind}, got {message.BodyCase}.");
    }

    public async ValueTask WriteAsync(TreeMessage message, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            LengthPrefixed.WriteMessage(message, stream.Output);
            await stream.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }
}
