using Microsoft.Extensions.Logging;

namespace Casto.Stack.Muxers.Yamux;

/// <summary>
/// Limits and timers of a yamux session. Defaults match js-libp2p (<c>@chainsafe/libp2p-yamux</c>):
/// 256 KiB initial window growing to 16 MiB, 64 KiB frames, 1000 streams, keep-alive ping every 30 s.
/// The muxer copies the options when it is created; later changes have no effect.
/// </summary>
public sealed class YamuxOptions
{
    /// <summary>The window every stream starts with, fixed by the spec (256 KiB).</summary>
    public const int SpecInitialWindowSize = 256 * 1024;

    /// <summary>
    /// The receive window announced for each new stream, in bytes. Default and minimum 256 KiB (the spec's
    /// starting window); more is announced with the SYN/ACK window update.
    /// </summary>
    public int InitialStreamWindowSize { get; set; } = SpecInitialWindowSize;

    /// <summary>
    /// The largest receive window a stream grows to, in bytes (default 16 MiB). A stream's window doubles when
    /// the application consumed it within about one round trip (measured by ping), so one stream can go beyond
    /// window/RTT. This also bounds what one stream buffers.
    /// </summary>
    public int MaxStreamWindowSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most streams open at once, counted per direction (default 1000, js-libp2p's limit). Opening more
    /// throws <see cref="YamuxError.StreamLimit"/>; inbound streams beyond it are reset.
    /// </summary>
    public int MaxStreams { get; set; } = 1000;

    /// <summary>Inbound streams waiting for <c>AcceptStreamAsync</c> (default 256); more are reset.</summary>
    public int MaxAcceptBacklog { get; set; } = 256;

    /// <summary>
    /// Outbound streams the remote has not acknowledged yet (default 256, the spec's ACK backlog); opening
    /// another waits for an acknowledgement.
    /// </summary>
    public int MaxAckBacklog { get; set; } = 256;

    /// <summary>The largest data frame payload this side sends, in bytes (default 64 KiB, js-libp2p's message size).</summary>
    public int MaxFrameSize { get; set; } = 64 * 1024;

    /// <summary>Bytes a stream's writer may buffer before its flush waits (default 256 KiB).</summary>
    public int StreamWriteBufferSize { get; set; } = 256 * 1024;

    /// <summary>
    /// How often to send a keep-alive ping (default 30 s, like js-libp2p); <see cref="Timeout.InfiniteTimeSpan"/>
    /// disables keep-alives. One ping is always sent when the session starts, to measure the round-trip time.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a keep-alive ping may go unanswered before the session fails with <see cref="YamuxError.Timeout"/> (default 30 s).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Buffers for the stream pipes (default: a <see cref="Buffers.BlockMemoryPool"/> per muxer).</summary>
    public System.Buffers.MemoryPool<byte>? MemoryPool { get; set; }

    /// <summary>The clock for keep-alives and round-trip times (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where to log (default none).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal YamuxOptions Clone() => (YamuxOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialStreamWindowSize, SpecInitialWindowSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreamWindowSize, InitialStreamWindowSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreams, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAcceptBacklog, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAckBacklog, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameSize, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxFrameSize, MaxStreamWindowSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamWriteBufferSize, 1024);
        if (KeepAliveInterval != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveInterval, TimeSpan.Zero);
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
