using System.Net.WebSockets;
using System.Text;
using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Tests.Signal;

/// <summary>A hand-driven WebSocket peer for protocol tests (bad registrations, garbage, floods).</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[1 << 20];

    public SignalMessage Challenge { get; private set; } = null!;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<RawPeer> ConnectAsync(Multiaddr server)
    {
        var peer = new RawPeer();
        await peer._socket.ConnectAsync(SignalAddress.ToUri(server), CancellationToken.None);
        peer.Challenge = (await peer.ReadAsync())!;
        Assert.Equal(SignalMessageType.Challenge, peer.Challenge.Type);
        return peer;
    }

    public SignalMessage RegisterMessage(PrivateKey key) => SignalAuth.Register(key, Challenge.Nonce!, Challenge.Server!);

    public Task SendAsync(SignalMessage message) => SendRawAsync(SignalCodec.Encode(message));

    public async Task SendRawAsync(byte[] frame, WebSocketMessageType type = WebSocketMessageType.Text) =>
        await _socket.SendAsync(frame, type, true, CancellationToken.None);

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>The next frame, skipping pings; null once the server has closed.</summary>
    public async Task<SignalMessage?> ReadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(_buffer.AsMemory(count), cts.Token);
                count += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            var message = SignalCodec.Parse(_buffer.AsSpan(0, count));
            if (message.Type != SignalMessageType.Ping)
            {
                return message;
            }
        }
    }

    /// <summary>Reads until the server closes; returns the error codes seen on the way.</summary>
    public async Task<List<SignalError>> ReadErrorsUntilClosedAsync()
    {
        var errors = new List<SignalError>();
        while (await ReadAsync() is { } message)
        {
            if (message.Type == SignalMessageType.Error)
            {
                errors.Add(message.Code!.Value);
            }
        }

        return errors;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
