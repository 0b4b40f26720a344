// Spec: https://man7.org/linux/man-pages/man2/sendmmsg.2.html (one system call for many datagrams, each to its own address)
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Casto.WebRtc.Ice;

/// <summary>
/// Datagrams queued for one UDP socket and sent together: on Linux with one <c>sendmmsg(2)</c> per flush, elsewhere one
/// <see cref="Socket.SendTo(ReadOnlySpan{byte}, SocketFlags, System.Net.SocketAddress)"/> each. The payload slots, the
/// headers and the addresses live in one native block allocated once, so queuing and flushing allocate nothing.
/// Not thread-safe: one batch per sending thread.
/// </summary>
internal sealed unsafe partial class UdpSendBatch : IDisposable
{
    /// <summary>Bytes per slot: an SRTP datagram of the largest RTP packet sent (1,484 + tag) fits.</summary>
    public const int SlotSize = 1536;

    private const int AddressSize = 28; // sockaddr_in6, the largest the mux uses
    private readonly int _capacity;
    private readonly byte* _block;
    private readonly MMsgHdr* _headers;
    private readonly IoVec* _vectors;
    private readonly byte* _addresses;
    private readonly byte* _slots;
    private readonly int[] _lengths;
    private readonly System.Net.SocketAddress[] _fallbackAddresses;
    private Socket? _socket;
    private int _count;
    private bool _disposed;

    public UdpSendBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1024); // UIO_MAXIOV
        _capacity = capacity;
        nuint size = (nuint)(capacity * (sizeof(MMsgHdr) + sizeof(IoVec) + AddressSize + SlotSize));
        _block = (byte*)NativeMemory.AlignedAlloc(size, 64);
        NativeMemory.Clear(_block, size);
        _headers = (MMsgHdr*)_block;
        _vectors = (IoVec*)(_headers + capacity);
        _addresses = (byte*)(_vectors + capacity);
        _slots = _addresses + (capacity * AddressSize);
        _lengths = new int[capacity];
        _fallbackAddresses = new System.Net.SocketAddress[capacity];
    }

    /// <summary>Datagrams the kernel refused at a flush (full buffer, unreachable), dropped like any UDP loss.</summary>
    public long Failed { get; private set; }

    /// <summary>Datagrams sent.</summary>
    public long Sent { get; private set; }

    /// <summary>System calls made by flushes.</summary>
    public long Calls { get; private set; }

    /// <summary>Queued and not yet flushed.</summary>
    public int Count => _count;

    /// <summary>
    /// The next free slot for <paramref name="socket"/> (flushing first when the batch is full or holds another
    /// socket's datagrams): write the datagram into it, then <see cref="Commit"/> its length and destination.
    /// </summary>
    public Span<byte> Reserve(Socket socket)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_count == _capacity || (_socket is not null && _socket != socket))
        {
            Flush();
        }

        _socket = socket;
        return new Span<byte>(_slots + ((nint)_count * SlotSize), SlotSize);
    }

    /// <summary>Queues the datagram just written into the reserved slot.</summary>
    public void Commit(int length, System.Net.SocketAddress destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, SlotSize);
        ReadOnlySpan<byte> address = destination.Buffer.Span[..destination.Size];
        if (address.Length > AddressSize)
        {
            Failed++;
            return;
        }

        int i = _count++;
        byte* name = _addresses + (i * AddressSize);
        address.CopyTo(new Span<byte>(name, AddressSize));
        _vectors[i] = new IoVec { Base = _slots + ((nint)i * SlotSize), Length = (nuint)length };
        _headers[i] = new MMsgHdr { Name = name, NameLength = (uint)address.Length, Vectors = &_vectors[i], VectorCount = 1 };
        _lengths[i] = length;
        _fallbackAddresses[i] = destination;
    }

    /// <summary>Sends everything queued; returns how many datagrams went.</summary>
    public int Flush()
    {
        int count = _count;
        Socket? socket = _socket;
        (_count, _socket) = (0, null);
        if (count == 0 || socket is null)
        {
            return 0;
        }

        int sent = OperatingSystem.IsLinux() ? SendLinux(socket, count) : SendEach(socket, count);
        Sent += sent;
        Failed += count - sent;
        Array.Clear(_fallbackAddresses, 0, count);
        return sent;
    }

    private int SendEach(Socket socket, int count)
    {
        int sent = 0;
        for (int i = 0; i < count; i++, Calls++)
        {
            try
            {
                socket.SendTo(new ReadOnlySpan<byte>(_slots + ((nint)i * SlotSize), _lengths[i]), SocketFlags.None, _fallbackAddresses[i]);
                sent++;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }

        return sent;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            NativeMemory.AlignedFree(_block);
        }
    }
}
