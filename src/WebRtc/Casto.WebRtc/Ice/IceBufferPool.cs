namespace Casto.WebRtc.Ice;

/// <summary>
/// Receive buffers of one agent: a bounded stack of equal-size arrays. Unlike <c>ArrayPool.Shared</c> (per-thread and
/// per-core caches) a buffer rented on the socket thread and returned on the consumer's thread always comes back here,
/// so a steady stream of datagrams allocates nothing once the pool is warm.
/// </summary>
internal sealed class IceBufferPool
{
    private readonly Lock _gate = new();
    private readonly Stack<byte[]> _free;
    private readonly int _bufferSize;
    private readonly int _capacity;

    public IceBufferPool(int bufferSize, int capacity)
    {
        _bufferSize = bufferSize;
        _capacity = capacity;
        _free = new Stack<byte[]>(capacity);
    }

    /// <summary>Buffers created so far (grows only while the pool warms up or when the consumer holds many).</summary>
    public long Allocated { get; private set; }

    public byte[] Rent()
    {
        lock (_gate)
        {
            if (_free.TryPop(out var buffer))
            {
                return buffer;
            }

            Allocated++;
        }

        return new byte[_bufferSize];
    }

    public void Return(byte[] buffer)
    {
        lock (_gate)
        {
            if (_free.Count < _capacity)
            {
                _free.Push(buffer);
            }
        }
    }
}
