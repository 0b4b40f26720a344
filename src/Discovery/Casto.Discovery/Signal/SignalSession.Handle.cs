using System.Net.WebSockets;

namespace Casto.Discovery.Signal;

/// <summary>Frame handling: rate limit, parse, authenticate, then rooms and relay.</summary>
internal sealed partial class SignalSession
{
    private void Handle(WebSocketMessageType type, ReadOnlySpan<byte> frame)
    {
        if (!_bucket.TryTake())
        {
            if (++_strikes > _options.MaxRateStrikes)
            {
                Close(SignalError.RateLimited, "message rate exceeded for too long");
            }
            else
            {
                Reply(null, SignalError.RateLimited, "message dropped: over the rate limit");
            }

            return;
        }

        _strikes = 0;
        if (type != WebSocketMessageType.Text)
        {
            Close(SignalError.BadMessage, "frames are JSON text");
            return;
        }

        SignalMessage message;
        try
        {
            message = SignalCodec.Parse(frame);
        }
        catch (SignalException ex)
        {
            Close(ex.Error, ex.Message);
            return;
        }

        var error = message.Type switch
        {
            SignalMessageType.Pong => null,
            SignalMessageType.Ping => Send(_server.PongFrame) ? null : (SignalError.SlowConsumer, "send queue full"),
            SignalMessageType.Register => HandleRegister(message),
            SignalMessageType.Join or SignalMessageType.Leave or SignalMessageType.Signal or SignalMessageType.WatchRooms when PeerId is null =>
                (SignalError.NotRegistered, "register first"),
            SignalMessageType.Join => _server.Join(this, message.Id, message.Room, message.Addrs),
            SignalMessageType.Leave => _server.Leave(this, message.Id, message.Room),
            SignalMessageType.Signal => HandleSignal(message),
            SignalMessageType.WatchRooms => _server.WatchRooms(this, message.Id),
            _ => (SignalError.BadMessage, $"{SignalNames.Of(message.Type)} is not a request"),
        };
        if (error is { } e)
        {
            if (IsFatal(e.Error))
            {
                Close(e.Error, e.Text);
            }
            else
            {
                Reply(message.Id, e.Error, e.Text);
            }
        }
    }

    private (SignalError Error, string Text)? HandleSignal(SignalMessage message)
    {
        var error = _server.Relay(this, message);
        if (error is null && message.Id is { } id)
        {
            Send(SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Ack, Id = id }));
        }

        return error;
    }

    private (SignalError Error, string Text)? HandleRegister(SignalMessage message)
    {
        if (PeerId is not null)
        {
            return (SignalError.AlreadyRegistered, "this connection is already registered");
        }

        // The nonce is single use: any register attempt consumes it.
        var nonce = _nonce;
        _nonce = null;
        if (nonce is null || message.Nonce != nonce)
        {
            return (SignalError.BadNonce, "not the nonce of this connection's challenge, or already used");
        }

        if (_options.TimeProvider.GetElapsedTime(_created) > _options.AuthTimeout)
        {
            return (SignalError.ChallengeExpired, "the challenge expired");
        }

        Casto.Stack.Identity.PeerId peerId;
        try
        {
            peerId = SignalAuth.Verify(message, nonce, _server.ServerName);
        }
        catch (SignalException ex)
        {
            return (ex.Error, ex.Message);
        }

        if (_server.Register(this, peerId) is { } refused)
        {
            return (refused, refused == SignalError.ServerFull ? "too many peers" : "connection closed");
        }

        Send(SignalCodec.Encode(new SignalMessage
        {
            Type = SignalMessageType.Registered,
            PeerId = peerId.ToString(),
            HeartbeatMs = (long)_options.HeartbeatInterval.TotalMilliseconds,
            RatePerSecond = (long)Math.Floor(_options.MessagesPerSecond),
            RateBurst = _options.MessageBurst,
        }));
        return null;
    }

    private void Reply(long? id, SignalError error, string text)
    {
        if (!Send(SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Error, Id = id, Code = error, Message = text })))
        {
            Close(SignalError.SlowConsumer, "send queue full");
        }
    }

    /// <summary>Errors that end the connection (the rest are replies to one request).</summary>
    internal static bool IsFatal(SignalError error) => error is SignalError.BadMessage or SignalError.TooLarge or SignalError.BadNonce
        or SignalError.ChallengeExpired or SignalError.BadKey or SignalError.BadSignature or SignalError.PeerIdMismatch
        or SignalError.ServerFull or SignalError.Replaced or SignalError.RateLimited or SignalError.SlowConsumer
        or SignalError.AuthTimeout or SignalError.HeartbeatTimeout or SignalError.ShuttingDown or SignalError.ConnectionClosed;
}
