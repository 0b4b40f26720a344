// After Kestrel's PinnedBlockMemoryPool: fixed-size pinned blocks recycled through a queue, so deep buffers
// (yamux windows up to 16 MiB, socket pipes) do not exhaust ArrayPool.Shared and allocate per frame.
using System.Buffers;
using System.Collections.Concurrent;

namespace Casto.Stack.Buffers;

/// <summary>
/// A <see cref="MemoryPool{T}"/> of fixed-size pinned blocks for pipes. Blocks are reused; at most
/// <see cref="MaxRetainedBlocks"/> idle blocks are kept, so retained memory is bounded. Thread-safe.
/// </summary>
public sealed class BlockMemoryPool : MemoryPool<byte>
{
    /// <summary>
    /// Default block size: 64 KiB. A pipe keeps at most 256 spare segment objects, so a pipe as deep as a full
    /// 16 MiB yamux window (256 blocks of 64 KiB) recycles its segments instead of allocating new ones.
    /// </summary>
    public const int DefaultBlockSize = 64 * 1024;

    /// <summary>Default idle blocks kept: 1024 (64 MiB of 64 KiB blocks).</summary>
    public const int DefaultMaxRetainedBlocks = 1024;

    private readonly ConcurrentQueue<Block> _free = new();
    private readonly int _blockSize;
    private int _retained;
    private volatile bool _disposed;

    /// <summary>Creates a pool.</summary>
    public BlockMemoryPool(int blockSize = DefaultBlockSize, int maxRetainedBlocks = DefaultMaxRetainedBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 512);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetainedBlocks);
        _blockSize = blockSize;
        MaxRetainedBlocks = maxRetainedBlocks;
    }

    /// <summary>Idle blocks kept for reuse at most.</summary>
    public int MaxRetainedBlocks { get; }

    /// <summary>Idle blocks currently kept.</summary>
    public int RetainedBlocks => Volatile.Read(ref _retained);

    /// <inheritdoc/>
    public override int MaxBufferSize => _blockSize;

    /// <inheritdoc/>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, _blockSize);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            block.Lease();
            return block;
        }

        var fresh = new Block(this, GC.AllocateUninitializedArray<byte>(_blockSize, pinned: true));
        fresh.Lease();
        return fresh;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    private void Return(Block block)
    {
        if (_disposed || Interlocked.Increment(ref _retained) > MaxRetainedBlocks)
        {
            Interlocked.Decrement(ref _retained);
            return; // dropped: the GC reclaims it
        }

        _free.Enqueue(block);
    }

    private sealed class Block(BlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private int _leased;

        public Memory<byte> Memory => array;

        public void Lease() => Volatile.Write(ref _leased, 1);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _leased, 0) == 1)
            {
                pool.Return(this);
            }
        }
    }
}
