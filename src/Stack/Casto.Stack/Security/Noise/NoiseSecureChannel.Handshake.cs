// Spec: https://github.com/libp2p/specs/blob/master/noise/README.md#xx and #encryption-and-io
using System.Buffers;
using System.IO.Pipelines;
using Casto.Stack.Connections;
using Casto.Stack.Identity;

namespace Casto.Stack.Security.Noise;

public sealed partial class NoiseSecureChannel
{
    // XX:
    //   -> e                   (empty payload; the initiator MUST NOT send extensions here)
    //   <- e, ee, s, es        (responder's signed payload + extensions)
    //   -> s, se               (initiator's signed payload + extensions)
    private async ValueTask<ISecureConnection> HandshakeAsync(
        IDuplexConnection connection, bool initiator, PeerId? expectedPeer, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var buffer = ArrayPool<byte>.Shared.Rent(NoiseFrame.MaxMessageSize);
        using var handshake = new HandshakeState(initiator, _static, prologue: []);
        try
        {
            RemoteIdentity remote;
            if (initiator)
            {
                await WriteMessageAsync(output, handshake, [], cancellationToken).ConfigureAwait(false);
                var length = await ReadMessageAsync(input, handshake, buffer, cancellationToken).ConfigureAwait(false);
                remote = Authenticate(handshake, buffer.AsSpan(0, length), expectedPeer);
                await WriteMessageAsync(output, handshake, _payload, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Message 1's payload is opaque and unauthenticated: read and ignored.
                await ReadMessageAsync(input, handshake, buffer, cancellationToken).ConfigureAwait(false);
                await WriteMessageAsync(output, handshake, _payload, cancellationToken).ConfigureAwait(false);
                var length = await ReadMessageAsync(input, handshake, buffer, cancellationToken).ConfigureAwait(false);
                remote = Authenticate(handshake, buffer.AsSpan(0, length), expectedPeer: null);
            }

            var (send, receive) = handshake.Split();
            return new NoiseConnection(connection, send, receive, _identity.PeerId, remote);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private RemoteIdentity Authenticate(HandshakeState handshake, ReadOnlySpan<byte> payload, PeerId? expectedPeer)
    {
        if (payload.Length > _maxPayloadSize)
        {
            throw new NoiseException(
                NoiseError.FrameTooLarge, $"The remote's handshake payload is {payload.Length} bytes, over the {_maxPayloadSize}-byte limit.");
        }

        var remote = NoisePayload.Decode(payload, handshake.RemoteStaticKey);
        if (expectedPeer is not null)
        {
            var actual = PeerId.FromPublicKey(remote.PublicKey);
            if (!actual.Equals(expectedPeer))
            {
                throw new NoiseException(NoiseError.PeerIdMismatch, $"Dialed peer {expectedPeer} but the remote authenticated as {actual}.");
            }
        }

        return remote;
    }

    private static async ValueTask WriteMessageAsync(
        PipeWriter output, HandshakeState handshake, byte[] payload, CancellationToken cancellationToken)
    {
        var size = handshake.GetMessageSize(payload.Length);
        var span = output.GetSpan(NoiseFrame.HeaderSize + size);
        var written = handshake.WriteMessage(payload, span[NoiseFrame.HeaderSize..]);
        NoiseFrame.WriteHeader(span, written);
        output.Advance(NoiseFrame.HeaderSize + written);
        var result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The handshake write was cancelled.");
        }
    }

    // Reads one framed handshake message and processes it; the decrypted payload lands in `payload`.
    // Bytes after the frame (e.g. the initiator's first transport message) stay in the pipe.
    private static async ValueTask<int> ReadMessageAsync(
        PipeReader input, HandshakeState handshake, byte[] payload, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (NoiseFrame.TryRead(buffer, out var message, out var consumed))
            {
                try
                {
                    return Process(handshake, message, payload);
                }
                finally
                {
                    input.AdvanceTo(consumed);
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new NoiseException(NoiseError.Truncated, $"The connection ended after {buffer.Length} bytes of a handshake message.");
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The handshake read was cancelled.");
            }
        }
    }

    private static int Process(HandshakeState handshake, in ReadOnlySequence<byte> message, byte[] payload)
    {
        if (message.IsSingleSegment)
        {
            return handshake.ReadMessage(message.FirstSpan, payload);
        }

        var contiguous = ArrayPool<byte>.Shared.Rent((int)message.Length);
        try
        {
            message.CopyTo(contiguous);
            return handshake.ReadMessage(contiguous.AsSpan(0, (int)message.Length), payload);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(contiguous);
        }
    }
}
