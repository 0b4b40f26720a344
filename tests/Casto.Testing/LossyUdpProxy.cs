using System.Net;
using System.Net.Sockets;

namespace Casto.Testing;

/// <summary>What a <see cref="LossyUdpProxy"/> may drop.</summary>
public enum LossyUdpProxyDrop
{
    /// <summary>Every datagram (STUN, DTLS, SRTP, SRTCP) is dropped with the same probability.</summary>
    All,

    /// <summary>Only SRTP/SRTCP (first byte 128–191, RFC 9443 demux); STUN and DTLS always pass, so ICE and the handshake are deterministic.</summary>
    SrtpOnly,
}

/// <summary>Decides to drop one datagram (<paramref name="aToB"/>: its direction) whatever the random rate says.</summary>
public delegate bool LossyUdpProxyFilter(bool aToB, ReadOnlySpan<byte> datagram);

/// <summary>Settings of a <see cref="LossyUdpProxy"/>.</summary>
public sealed class LossyUdpProxyOptions
{
    /// <summary>Probability (0–1) of dropping a datagram from A to B. Default 0.05.</summary>
    public double DropRateAToB { get; set; } = 0.05;

    /// <summary>Probability (0–1) of dropping a datagram from B to A. Default 0.05.</summary>
    public double DropRateBToA { get; set; } = 0.05;

    /// <summary>Seed of the per-direction random drop decisions (direction B→A uses seed + 1). Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Which datagrams may be dropped. Default <see cref="LossyUdpProxyDrop.All"/>.</summary>
    public LossyUdpProxyDrop Drop { get; set; } = LossyUdpProxyDrop.All;

    /// <summary>Drops what it returns true for, before and besides the random drops (counted with them). Default none.</summary>
    public LossyUdpProxyFilter? DropWhen { get; set; }

    /// <summary>Address the proxy binds (loopback only). Default 127.0.0.1.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(DropRateAToB, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DropRateAToB, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(DropRateBToA, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DropRateBToA, 1);
        ArgumentNullException.ThrowIfNull(Address);
        if (!IPAddress.IsLoopback(Address))
        {
            throw new ArgumentException("Tests only use loopback.", nameof(Address));
        }
    }
}

/// <summary>
/// A UDP relay between two endpoints A and B on loopback that drops a seeded fraction of datagrams per direction.
/// A talks to <see cref="EndpointForA"/> (which stands in for B) and B to <see cref="EndpointForB"/>; give each side
/// the other's proxy endpoint as its remote ICE candidate. Bind first, learn A and B, then <see cref="Start"/>.
/// </summary>
public sealed class LossyUdpProxy : IAsyncDisposable
{
    private readonly LossyUdpProxyOptions _options;
    private readonly Socket _forA;
    private readonly Socket _forB;
    private readonly CancellationTokenSource _stop = new();
    private Task? _aToB;
    private Task? _bToA;
    private long _forwardedAToB;
    private long _droppedAToB;
    private long _forwardedBToA;
    private long _droppedBToA;

    public LossyUdpProxy(LossyUdpProxyOptions? options = null)
    {
        _options = options ?? new LossyUdpProxyOptions();
        _options.Validate();
        _forA = Bind(_options.Address);
        _forB = Bind(_options.Address);
    }

    /// <summary>Where A sends (the proxy's stand-in for B).</summary>
    public IPEndPoint EndpointForA => (IPEndPoint)_forA.LocalEndPoint!;

    /// <summary>Where B sends (the proxy's stand-in for A).</summary>
    public IPEndPoint EndpointForB => (IPEndPoint)_forB.LocalEndPoint!;

    public long ForwardedAToB => Interlocked.Read(ref _forwardedAToB);

    public long DroppedAToB => Interlocked.Read(ref _droppedAToB);

    public long ForwardedBToA => Interlocked.Read(ref _forwardedBToA);

    public long DroppedBToA => Interlocked.Read(ref _droppedBToA);

    /// <summary>Starts relaying: datagrams to <see cref="EndpointForA"/> go to <paramref name="b"/> and those to <see cref="EndpointForB"/> to <paramref name="a"/>.</summary>
    public void Start(IPEndPoint a, IPEndPoint b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (_aToB is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        _aToB = Task.Run(() => RelayAsync(_forA, _forB, b, new Random(_options.Seed), _options.DropRateAToB, true));
        _bToA = Task.Run(() => RelayAsync(_forB, _forA, a, new Random(_options.Seed + 1), _options.DropRateBToA, false));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _forA.Dispose();
        _forB.Dispose();
        foreach (var task in new[] { _aToB, _bToA })
        {
            if (task is not null)
            {
                await task.ConfigureAwait(false);
            }
        }

        _stop.Dispose();
    }

    private static Socket Bind(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }

    private async Task RelayAsync(Socket from, Socket to, IPEndPoint target, Random random, double dropRate, bool aToB)
    {
        byte[] buffer = new byte[65536];
        EndPoint any = new IPEndPoint(_options.Address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                var result = await from.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                length = result.ReceivedBytes;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (_options.DropWhen?.Invoke(aToB, buffer.AsSpan(0, length)) == true)
            {
                Interlocked.Increment(ref aToB ? ref _droppedAToB : ref _droppedBToA);
                continue;
            }

            bool droppable = _options.Drop == LossyUdpProxyDrop.All || (length > 0 && buffer[0] is >= 128 and <= 191);
            if (droppable && random.NextDouble() < dropRate)
            {
                Interlocked.Increment(ref aToB ? ref _droppedAToB : ref _droppedBToA);
                continue;
            }

            try
            {
                await to.SendToAsync(buffer.AsMemory(0, length), SocketFlags.None, target, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref aToB ? ref _forwardedAToB : ref _forwardedBToA);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
            }
        }
    }
}
