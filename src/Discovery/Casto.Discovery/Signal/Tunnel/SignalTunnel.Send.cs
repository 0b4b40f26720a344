using System.Buffers;
using System.IO.Pipelines;
using Casto.Stack.Transports;

namespace Casto.Discovery.Signal.Tunnel;

/// <content>The send loop: the output pipe, as DATA frames, then FIN.</content>
internal sealed partial class SignalTunnel
{
    private async Task SendLoopAsync()
    {
        int max = _owner.Options.MaxFramePayload;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            if (!Opener)
            {
                await _owner.SendAsync(Remote, new TunnelFrame(TunnelFrameType.Accept, false, Id, default).ToBase64()).ConfigureAwait(false);
            }

            while (true)
            {
                ReadResult result = await _output.Reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled || Volatile.Read(ref _ended) != 0)
                {
                    await _output.Reader.CompleteAsync(new TransportException(TransportError.ConnectionAborted, "The tunnel was reset.")).ConfigureAwait(false);
                    return;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    int length = (int)Math.Min(buffer.Length, max);
                    buffer.Slice(0, length).CopyTo(chunk);
                    _output.Reader.AdvanceTo(buffer.GetPosition(length));
                    await _owner.SendAsync(Remote, new TunnelFrame(TunnelFrameType.Data, Opener, Id, chunk.AsSpan(0, length)).ToBase64()).ConfigureAwait(false);
                    continue;
                }

                _output.Reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    await _owner.SendAsync(Remote, new TunnelFrame(TunnelFrameType.Fin, Opener, Id, default).ToBase64()).ConfigureAwait(false);
                    await _output.Reader.CompleteAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is SignalException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // The signal connection ended or the server refused a frame (unknown-peer: the remote is gone).
            Fail(ex as IOException ?? new TransportException(TransportError.ConnectionAborted, "The tunnel's signal connection failed: " + ex.Message, ex), sendReset: ex is not SignalException, "send failed");
            await _output.Reader.CompleteAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            Volatile.Write(ref _sendDone, 1);
            CloseIfDone();
        }
    }
}
