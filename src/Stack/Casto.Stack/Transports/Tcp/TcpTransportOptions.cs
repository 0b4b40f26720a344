namespace Casto.Stack.Transports.Tcp;

/// <summary>Settings of the TCP transport. Every limit has a documented default.</summary>
public sealed class TcpTransportOptions
{
    /// <summary>Disable Nagle's algorithm (default true: libp2p frames are latency-sensitive).</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>Listen backlog (default 512).</summary>
    public int Backlog { get; set; } = 512;

    /// <summary>Time allowed for DNS resolution plus the TCP connect (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes received but not yet read by the layer above before the socket stops reading (default 1 MiB).</summary>
    public long MaxReadBufferSize { get; set; } = 1024 * 1024;

    /// <summary>Bytes written but not yet sent before writers wait (default 1 MiB).</summary>
    public long MaxWriteBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes asked of the socket per receive, and the block size of the default pool (default 256 KiB). Large
    /// receives mean fewer system calls and fewer Noise frames split across buffers (a split frame is copied
    /// before it is decrypted). Idle connections hold no receive buffer: the socket waits for data first.
    /// </summary>
    public int ReceiveSize { get; set; } = 256 * 1024;

    /// <summary>
    /// Buffers for the socket pipes (default: a <see cref="Buffers.BlockMemoryPool"/> per transport with
    /// <see cref="ReceiveSize"/> blocks, keeping at most 64 MiB of idle blocks).
    /// </summary>
    public System.Buffers.MemoryPool<byte>? MemoryPool { get; set; }

    /// <summary>Time source for timeouts (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Backlog, 1, nameof(Backlog));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReadBufferSize, 4096, nameof(MaxReadBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWriteBufferSize, 4096, nameof(MaxWriteBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveSize, 4096, nameof(ReceiveSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReceiveSize, 16 * 1024 * 1024, nameof(ReceiveSize));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
