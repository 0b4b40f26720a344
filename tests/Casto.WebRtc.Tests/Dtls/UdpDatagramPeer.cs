using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Dtls;

namespace Casto.WebRtc.Tests.Dtls;

/// <summary>Test-only UDP adapter: a loopback socket feeding DTLS datagrams (first byte 20–63) into a <see cref="QueuedDatagramTransport"/>.</summary>
internal sealed class UdpDatagramPeer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;
    private EndPoint? _remote;

    public UdpDatagramPeer(IPEndPoint? remote)
    {
        _remote = remote;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Transport = new QueuedDatagramTransport(SendAsync, 64, 1200);
        _loop = Task.Run(ReceiveLoopAsync);
    }

    public QueuedDatagramTransport Transport { get; }

    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _socket.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _cts.Dispose();
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> datagram)
    {
        if (Volatile.Read(ref _remote) is EndPoint remote)
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, remote);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = new byte[65536];
        while (!_cts.IsCancellationRequested)
        {
            SocketReceiveFromResult r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _cts.Token);
            Interlocked.CompareExchange(ref _remote, r.RemoteEndPoint, null);
            if (r.ReceivedBytes > 0 && buffer[0] is >= 20 and <= 63)
            {
                Transport.TryEnqueue(buffer.AsSpan(0, r.ReceivedBytes));
            }
        }
    }
}
