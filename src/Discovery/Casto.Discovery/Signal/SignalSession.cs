using System.Net.WebSockets;
using System.Threading.Channels;
using Casto.Stack.Identity;

namespace Casto.Discovery.Signal;

/// <summary>
/// One peer connection on the server: a receive loop that parses and handles frames in order, and a send loop
/// draining a bounded queue (full queue = slow consumer = closed). Closing sends an error frame, then a close frame.
/// </summary>
internal sealed partial class SignalSession : IDisposable
{
    private const int InitialBuffer = 4096;

    private readonly SignalServer _server;
    private readonly SignalServerOptions _options;
    private readonly WebSocket _socket;
    private readonly Channel<byte[]> _outbox;
    private readonly CancellationTokenSource _abort = new();
    private readonly TokenBucket _bucket;
    private readonly long _created;
    private long _lastSeen;
    private long _queuedBytes;
    private string? _nonce;
    private int _strikes;
    private int _closing;
    private SignalError? _closeReason;

    public SignalSession(SignalServer server, WebSocket socket)
    {
        _server = server;
        _options = server.Options;
        _socket = socket;
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(_options.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _bucket = new TokenBucket(_options.TimeProvider, _options.MessagesPerSecond, _options.MessageBurst);
        _created = _lastSeen = _options.TimeProvider.GetTimestamp();
    }

    /// <summary>The remote IP address, counted against <see cref="SignalServerOptions.MaxConnectionsPerAddress"/>.</summary>
    public System.Net.IPAddress? RemoteAddress { get; init; }

    /// <summary>Set once by <see cref="SignalServer.Register"/> under the server lock.</summary>
    public PeerId? PeerId { get; set; }

    /// <summary>Rooms this peer is in; guarded by the server lock.</summary>
    public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal);

    /// <summary>Sent room-opened when a room gets its first member (after a watch-rooms).</summary>
    public bool WatchesRooms { get; set; }

    public string Name => PeerId?.ToString() ?? "unregistered";

    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var link = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _abort.Token);
        _nonce = SignalAuth.NewNonce();
        Send(SignalCodec.Encode(new SignalMessage
        {
            Type = SignalMessageType.Challenge,
            Nonce = _nonce,
            Server = _server.ServerName,
            ExpiresMs = (long)_options.AuthTimeout.TotalMilliseconds,
            HeartbeatMs = (long)_options.HeartbeatInterval.TotalMilliseconds,
        }));
        var sending = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync(link.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            if (Volatile.Read(ref _closing) == 0)
            {
                _server.Log.Failed(Name, ex);
            }
        }
        finally
        {
            Close(null, null);
            try
            {
                // Let the queued error and the close frame go out, within the close timeout (wall clock).
                await sending.WaitAsync(_options.CloseTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _abort.Cancel();
                await sending.ConfigureAwait(false);
            }

            _server.Log.Closed(Name, _closeReason is { } reason ? SignalNames.Of(reason) : "closed");
            Dispose();
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _abort.Dispose();
    }

    /// <summary>Queues a frame; false when the queue is full (the caller closes this session as a slow consumer).</summary>
    public bool Send(byte[] frame)
    {
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > _options.MaxQueuedBytes)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            return Volatile.Read(ref _closing) == 1;
        }

        if (_outbox.Writer.TryWrite(frame))
        {
            return true;
        }

        Interlocked.Add(ref _queuedBytes, -frame.Length);
        return Volatile.Read(ref _closing) == 1;
    }

    /// <summary>Starts closing: leaves its rooms now, sends <paramref name="error"/> (if any) and a close frame. Idempotent.</summary>
    public void Close(SignalError? error, string? text)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return;
        }

        _closeReason = error;
        _server.Detach(this);
        if (error is { } code)
        {
            if (code == SignalError.SlowConsumer)
            {
                try
                {
                    _abort.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The connection ended on its own meanwhile.
                }
            }
            else
            {
                _outbox.Writer.TryWrite(SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Error, Code = code, Message = text }));
            }
        }

        _outbox.Writer.TryComplete();
    }

    /// <summary>Heartbeat: ping a registered peer or close it when silent; close an unregistered one past the auth timeout.</summary>
    public void Tick(long now)
    {
        if (PeerId is null)
        {
            if (_options.TimeProvider.GetElapsedTime(_created, now) > _options.AuthTimeout)
            {
                Close(SignalError.AuthTimeout, "no valid register in time");
            }

            return;
        }

        if (_options.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastSeen), now) > _options.HeartbeatTimeout)
        {
            Close(SignalError.HeartbeatTimeout, "no frame from the peer in time");
        }
        else if (!Send(_server.PingFrame))
        {
            Close(SignalError.SlowConsumer, "send queue full");
        }
    }
}
