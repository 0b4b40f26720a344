using System.Buffers;
using System.Net.WebSockets;

namespace Casto.Discovery.Signal;

/// <summary>The send loop (queue → socket, then the close frame) and the receive loop (bounded, pooled frame buffer).</summary>
internal sealed partial class SignalSession
{
    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(_abort.Token).ConfigureAwait(false))
            {
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _abort.Token).ConfigureAwait(false);
                Interlocked.Add(ref _queuedBytes, -frame.Length);
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var status = _closeReason switch
                {
                    null => WebSocketCloseStatus.NormalClosure,
                    SignalError.ShuttingDown => WebSocketCloseStatus.EndpointUnavailable,
                    SignalError.TooLarge => WebSocketCloseStatus.MessageTooBig,
                    _ => WebSocketCloseStatus.PolicyViolation,
                };
                await _socket.CloseOutputAsync(status, _closeReason is { } r ? SignalNames.Of(r) : null, _abort.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            // The peer has CloseTimeout to answer our close frame before the receive loop is aborted.
            try
            {
                _abort.CancelAfter(_options.CloseTimeout);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        if (count > _options.MaxMessageBytes)
                        {
                            Close(SignalError.TooLarge, $"frames are at most {_options.MaxMessageBytes} bytes");
                            return;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxMessageBytes + 1));
                        buffer.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (count > _options.MaxMessageBytes)
                {
                    Close(SignalError.TooLarge, $"frames are at most {_options.MaxMessageBytes} bytes");
                    return;
                }

                if (Volatile.Read(ref _closing) == 0)
                {
                    Volatile.Write(ref _lastSeen, _options.TimeProvider.GetTimestamp());
                    Handle(result.MessageType, buffer.AsSpan(0, count));
                }

                if (buffer.Length > InitialBuffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
