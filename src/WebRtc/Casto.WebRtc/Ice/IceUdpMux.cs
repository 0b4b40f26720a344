// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-5.1.1.1 (host candidates), https://www.rfc-editor.org/rfc/rfc8445#section-7.3 (USERNAME = local:remote ufrag),
//       https://www.rfc-editor.org/rfc/rfc9443#section-3 (demultiplexing on the 5-tuple)
using System.Net;
using System.Net.Sockets;
using System.Text;
using Casto.WebRtc.Demux;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Ice;

/// <summary>
/// One UDP socket shared by many peer connections (like pion's UDPMux or LiveKit's single-port mode), so an operator
/// opens one firewall port. An incoming STUN request goes to the connection whose local ufrag starts its USERNAME
/// (RFC 8445 §7.3), which also maps the sender's address to it; every other datagram goes by its source address
/// (remote candidates are mapped when added). Two connections to the same remote address and port cannot share one
/// mux (their media would be indistinguishable); datagrams nobody claims are counted in <see cref="Unroutable"/>.
/// Give it to connections with <see cref="PeerConnection.RtcPeerConnectionOptions.UdpMux"/>; it outlives them.
/// </summary>
public sealed class IceUdpMux : IAsyncDisposable
{
    private const int BufferSize = 1500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IceAgent> _byUfrag = new(StringComparer.Ordinal);
    private readonly Dictionary<SocketAddress, IceAgent> _byAddress = [];
    private readonly HashSet<IceAgent> _registered = [];
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _loopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;
    private long _unroutable;

    private IceUdpMux(Socket socket, int maxConnections)
    {
        Socket = socket;
        MaxConnections = maxConnections;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        new Thread(ReceiveLoop) { IsBackground = true, Name = "Casto UDP mux" }.Start();
    }

    /// <summary>The bound address: every connection's host candidate.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connections registered at most; further ones fail to start. Default 4096.</summary>
    public int MaxConnections { get; }

    /// <summary>Connections registered now.</summary>
    public int Connections
    {
        get
        {
            lock (_gate)
            {
                return _byUfrag.Count;
            }
        }
    }

    /// <summary>Datagrams that matched no connection (unknown ufrag or source address), dropped.</summary>
    public long Unroutable => Interlocked.Read(ref _unroutable);

    internal Socket Socket { get; }

    /// <summary>Binds <paramref name="endPoint"/> (a concrete address; port 0 picks one) and starts receiving.</summary>
    /// <exception cref="IceException">SocketError when the port cannot be bound; InvalidRemote for a wildcard address.</exception>
    public static IceUdpMux Bind(IPEndPoint endPoint, int maxConnections = 4096)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        if (endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            throw new IceException(IceError.InvalidRemote, "A UDP mux needs a concrete address: it is every connection's host candidate.");
        }

        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = 4 * 1024 * 1024; // the kernel caps it at net.core.rmem_max
            socket.SendBufferSize = 4 * 1024 * 1024;
            socket.Bind(endPoint);
            socket.Blocking = false;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IceException(IceError.SocketError, $"Cannot bind UDP on {endPoint}.", ex);
        }

        return new IceUdpMux(socket, maxConnections);
    }

    internal void Register(string ufrag, IceAgent agent)
    {
        lock (_gate)
        {
            if (_closing.IsCancellationRequested)
            {
                throw new IceException(IceError.Closed, "The UDP mux is closed.");
            }

            if (_byUfrag.Count >= MaxConnections)
            {
                throw new IceException(IceError.SocketError, $"The UDP mux serves {MaxConnections} connections already.");
            }

            _byUfrag.Add(ufrag, agent);
            _registered.Add(agent);
        }
    }

    internal void Unregister(string ufrag, IceAgent agent)
    {
        lock (_gate)
        {
            _byUfrag.Remove(ufrag);
            _registered.Remove(agent);
            foreach (var (address, owner) in _byAddress.ToList())
            {
                if (owner == agent)
                {
                    _byAddress.Remove(address);
                }
            }
        }
    }

    /// <summary>Datagrams from <paramref name="address"/> go to <paramref name="agent"/> (a remote candidate of its).</summary>
    internal void MapRemote(SocketAddress address, IceAgent agent)
    {
        lock (_gate)
        {
            if (_registered.Contains(agent))
            {
                _byAddress[address] = agent; // the newest claim wins (a remote address reused by a new connection)
            }
        }
    }

    /// <summary>
    /// The receive loop, on its own thread, with synchronous calls only: a socket that never takes an async operation
    /// is never registered with the runtime's epoll thread, which would otherwise wake on every EPOLLOUT edge, i.e.
    /// after each of the node's sends (thousands a second under fan-out). The socket is non-blocking, so sends never
    /// wait for buffer space (a full buffer is a counted drop) and the loop waits in poll(2).
    /// </summary>
    private void ReceiveLoop()
    {
        try
        {
            ReceiveUntilClosed();
        }
        finally
        {
            _loopEnded.TrySetResult();
        }
    }

    private void ReceiveUntilClosed()
    {
        byte[] buffer = new byte[BufferSize];
        var source = new SocketAddress(Socket.AddressFamily);
        CancellationToken closing = _closing.Token;
        while (!closing.IsCancellationRequested)
        {
            try
            {
                if (!Socket.Poll(PollInterval, SelectMode.SelectRead))
                {
                    continue; // check for close now and then
                }

                do
                {
                    int length = Socket.ReceiveFrom(buffer, SocketFlags.None, source);
                    Deliver(buffer.AsSpan(0, length), source);
                }
                while (Socket.Available > 0);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.ConnectionReset
                or SocketError.MessageSize or SocketError.ConnectionRefused)
            {
                // Nothing left after all, ICMP errors and oversize datagrams.
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    private void Deliver(ReadOnlySpan<byte> data, SocketAddress source)
    {
        IceAgent? agent = Route(data, source);
        if (agent is null)
        {
            Interlocked.Increment(ref _unroutable);
            return;
        }

        agent.OnMuxDatagram(data, source);
    }

    /// <summary>A STUN request by its USERNAME (mapping the sender), everything else by source address.</summary>
    private IceAgent? Route(ReadOnlySpan<byte> data, SocketAddress source)
    {
        if (PacketClassifier.Classify(data) == PacketKind.Stun && StunMessage.TryRead(data, out var message)
            && message.Class == StunClass.Request && message.TryGetUsername(out var username))
        {
            int colon = username.IndexOf((byte)':');
            string ufrag = Encoding.UTF8.GetString(colon < 0 ? username : username[..colon]);
            lock (_gate)
            {
                if (!_byUfrag.TryGetValue(ufrag, out IceAgent? owner))
                {
                    return null;
                }

                if (!_byAddress.TryGetValue(source, out IceAgent? mapped) || mapped != owner)
                {
                    var copy = new SocketAddress(source.Family, source.Size);
                    source.Buffer.CopyTo(copy.Buffer);
                    _byAddress[copy] = owner;
                }

                return owner;
            }
        }

        lock (_gate)
        {
            return _byAddress.GetValueOrDefault(source);
        }
    }

    /// <summary>Stops receiving and closes the socket. Connections still using it stop receiving too.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        await _loopEnded.Task.ConfigureAwait(false); // within one poll interval
        Socket.Dispose();
        _closing.Dispose();
    }
}
