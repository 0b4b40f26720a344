using System.Net.WebSockets;

namespace Casto.Discovery.Signal;

/// <summary>The client's receive loop (replies, events, pings) and its clean close.</summary>
public sealed partial class SignalClient
{
    private async Task ReceiveLoopAsync()
    {
        var token = _stop.Token;
        try
        {
            while (await ReadAsync(token).ConfigureAwait(false) is { } message)
            {
                await DispatchAsync(message, token).ConfigureAwait(false);
            }

            // The server closed: complete the close handshake.
            if (_socket.State == WebSocketState.CloseReceived)
            {
                await SendCloseAsync(token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or SignalException or ObjectDisposedException)
        {
            if (ex is SignalException signal)
            {
                CloseError ??= signal.Error;
            }
        }
        finally
        {
            CloseError ??= SignalError.ConnectionClosed;
            foreach (var pending in _requests.Values)
            {
                pending.TrySetException(new SignalException(CloseError.Value, "the connection has ended"));
            }

            _events.Writer.TryComplete();
        }
    }

    private async Task DispatchAsync(SignalMessage message, CancellationToken cancellationToken)
    {
        switch (message.Type)
        {
            case SignalMessageType.Ping when _options.AnswerPings:
                await WriteAsync(new SignalMessage { Type = SignalMessageType.Pong }, cancellationToken).ConfigureAwait(false);
                break;
            case SignalMessageType.Joined or SignalMessageType.Left or SignalMessageType.Ack or SignalMessageType.Rooms:
                if (message.Id is { } id && _requests.TryGetValue(id, out var reply))
                {
                    reply.TrySetResult(message);
                }

                break;
            case SignalMessageType.Error:
                if (message.Id is { } failed && _requests.TryGetValue(failed, out var request))
                {
                    request.TrySetException(new SignalException(message.Code ?? SignalError.BadMessage, message.Message ?? "request failed"));
                }
                else if (message.Code is { } code && SignalSession.IsFatal(code))
                {
                    CloseError = code;
                }

                break;
            case SignalMessageType.PeerJoined or SignalMessageType.PeerLeft:
                if (ToPeer(message.PeerId, message.Addrs) is { } peer)
                {
                    var kind = message.Type == SignalMessageType.PeerJoined ? SignalEventKind.PeerJoined : SignalEventKind.PeerLeft;
                    await _events.Writer.WriteAsync(new SignalEvent(kind, peer.PeerId, message.Room, peer.Addrs, default, null), cancellationToken)
                        .ConfigureAwait(false);
                }

                break;
            case SignalMessageType.RoomOpened when message.Room is { Length: > 0 } room:
                await _events.Writer.WriteAsync(new SignalEvent(SignalEventKind.RoomOpened, PeerId, room, [], default, null), cancellationToken).ConfigureAwait(false);
                break;
            case SignalMessageType.Signal:
                if (ToPeer(message.From, null) is { } from && message.Data is { } data)
                {
                    if ((message.Kind is null or SignalKind.Opaque) && Volatile.Read(ref _tunnels) is { } tunnels && tunnels.TryHandle(from.PeerId, data))
                    {
                        break;
                    }

                    await _events.Writer.WriteAsync(new SignalEvent(SignalEventKind.Signal, from.PeerId, null, [], message.Kind ?? SignalKind.Opaque, data), cancellationToken)
                        .ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>Closes the connection (a clean WebSocket close, then up to 2 s for the server's reply).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await SendCloseAsync(timeout.Token).ConfigureAwait(false);
                await _receiving.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or TimeoutException)
        {
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _watchdog?.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
        _requestSlots.Dispose();
    }
}
