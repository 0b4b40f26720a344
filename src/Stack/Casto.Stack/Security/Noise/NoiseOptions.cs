namespace Casto.Stack.Security.Noise;

/// <summary>Settings of a <see cref="NoiseSecureChannel"/>; read once, when the channel is created.</summary>
public sealed class NoiseOptions
{
    /// <summary>Smallest accepted <see cref="MaxHandshakePayloadSize"/>: room for an RSA key and signature.</summary>
    public const int MinHandshakePayloadSize = 2 * 1024;

    /// <summary>
    /// Largest possible handshake payload: a 65535-byte message minus message 2's ephemeral key (32 bytes),
    /// encrypted static key (48) and payload tag (16).
    /// </summary>
    public const int MaxPossibleHandshakePayloadSize = NoiseFrame.MaxMessageSize - 96;

    /// <summary>
    /// Time allowed for the whole handshake, from the first byte sent or awaited to the last; a stalled
    /// peer fails with <see cref="NoiseError.Timeout"/>. Default 10 seconds; <see cref="Timeout.InfiniteTimeSpan"/>
    /// disables it.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for <see cref="HandshakeTimeout"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Largest decrypted handshake payload accepted from the remote (identity key, signature, extensions).
    /// Default 16 KiB; between <see cref="MinHandshakePayloadSize"/> and <see cref="MaxPossibleHandshakePayloadSize"/>.
    /// </summary>
    public int MaxHandshakePayloadSize { get; set; } = 16 * 1024;

    /// <summary>
    /// Stream muxer protocol ids to advertise in the <c>stream_muxers</c> extension, most preferred first,
    /// for inlined muxer negotiation. Default empty: nothing is advertised and muxers are negotiated with
    /// multistream-select after the handshake.
    /// </summary>
    public IList<string> StreamMuxers { get; } = [];

    internal void Validate()
    {
        if (HandshakeTimeout <= TimeSpan.Zero && HandshakeTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "The handshake timeout must be positive or infinite.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (MaxHandshakePayloadSize is < MinHandshakePayloadSize or > MaxPossibleHandshakePayloadSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxHandshakePayloadSize),
                MaxHandshakePayloadSize,
                $"The handshake payload limit must be between {MinHandshakePayloadSize} and {MaxPossibleHandshakePayloadSize} bytes.");
        }

        foreach (var muxer in StreamMuxers)
        {
            if (string.IsNullOrEmpty(muxer))
            {
                throw new ArgumentException("A stream muxer protocol id must not be empty.", nameof(StreamMuxers));
            }
        }
    }
}
