using System.Net.WebSockets;

namespace Casto.Discovery.Signal;

/// <summary>Framing, registration, requests and the receive loop of the client.</summary>
public sealed partial class SignalClient
{
    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var challenge = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (challenge?.Type != SignalMessageType.Challenge || challenge.Nonce is null || challenge.Server is null)
        {
            throw new SignalException(SignalError.BadMessage, "expected a challenge from the server");
        }

        await WriteAsync(SignalAuth.Register(_key, challenge.Nonce, challenge.Server), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var reply = await ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new SignalException(SignalError.ConnectionClosed, "the server closed the connection during registration");
            switch (reply.Type)
            {
                case SignalMessageType.Registered:
                    _serverHeartbeat = TimeSpan.FromMilliseconds(Math.Clamp(reply.HeartbeatMs ?? 5000, 10, 3_600_000));
                    if (reply.RatePerSecond is > 0 and { } rate)
                    {
                        // Stay under the server's limit (it drops what is over): a little slower, half its burst.
                        _pace = new TokenBucket(_options.TimeProvider, rate * 0.9, (int)Math.Clamp((reply.RateBurst ?? 1) / 2, 1, 10_000));
                    }

                    return;
                case SignalMessageType.Error:
                    throw new SignalException(reply.Code ?? SignalError.BadMessage, $"registration refused: {reply.Message}");
                case SignalMessageType.Ping:
                    await WriteAsync(new SignalMessage { Type = SignalMessageType.Pong }, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task<SignalMessage> RequestAsync(Func<long, SignalMessage> build, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _requestSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<SignalMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[id] = reply;
        try
        {
            if (_receiving.IsCompleted)
            {
                throw new SignalException(CloseError ?? SignalError.ConnectionClosed, "the connection has ended");
            }

            await WriteAsync(build(id), cancellationToken).ConfigureAwait(false);
            return await reply.Task.WaitAsync(_options.RequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new SignalException(SignalError.Timeout, $"no reply in {_options.RequestTimeout}", ex);
        }
        catch (WebSocketException ex)
        {
            throw new SignalException(SignalError.ConnectionClosed, ex.Message, ex);
        }
        finally
        {
            _requests.TryRemove(id, out _);
            _requestSlots.Release();
        }
    }

    private async Task WriteAsync(SignalMessage message, CancellationToken cancellationToken) =>
        await SendFrameAsync(SignalCodec.Encode(message), WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends one raw frame (tests use it for malformed input).</summary>
    internal async Task SendFrameAsync(ReadOnlyMemory<byte> frame, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (_pace?.TimeUntilToken() is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            await _socket.SendAsync(frame, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads one frame; null when the server closed the connection.</summary>
    private async Task<SignalMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (count == _buffer.Length)
            {
                if (count > _options.MaxMessageBytes)
                {
                    throw new SignalException(SignalError.TooLarge, $"server frame over {_options.MaxMessageBytes} bytes");
                }

                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _options.MaxMessageBytes + 1));
            }

            result = await _socket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastFrame, _options.TimeProvider.GetTimestamp());
            count += result.Count;
        }
        while (!result.EndOfMessage);

        if (result.MessageType == WebSocketMessageType.Close)
        {
            return null;
        }

        if (count > _options.MaxMessageBytes)
        {
            throw new SignalException(SignalError.TooLarge, $"server frame over {_options.MaxMessageBytes} bytes");
        }

        var message = SignalCodec.Parse(_buffer.AsSpan(0, count));
        if (_buffer.Length > 64 * 1024)
        {
            _buffer = new byte[4096]; // a large member list was a one-off: do not keep its buffer per client
        }

        return message;
    }

    private async Task SendCloseAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
