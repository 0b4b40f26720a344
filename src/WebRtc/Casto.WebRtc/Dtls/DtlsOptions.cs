// Spec: https://www.rfc-editor.org/rfc/rfc6347#section-4.1.1.1 (PMTU), https://www.rfc-editor.org/rfc/rfc5764#section-4.1.2 (profiles)
using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.Dtls;

/// <summary>Settings of one DTLS-SRTP association. Validated and copied when the handshake starts.</summary>
internal sealed class DtlsOptions
{
    /// <summary>Smallest allowed <see cref="Mtu"/> (the IPv6 minimum minus IP/UDP headers is larger; this keeps a ClientHello fragmentable).</summary>
    public const int MinMtu = 256;

    /// <summary>Largest allowed <see cref="Mtu"/>.</summary>
    public const int MaxMtu = 16384;

    /// <summary>Client (<c>a=setup:active</c>) or server (<c>a=setup:passive</c>). Default client.</summary>
    public DtlsRole Role { get; set; } = DtlsRole.Client;

    /// <summary>Our certificate. Required.</summary>
    public DtlsCertificate? Certificate { get; set; }

    /// <summary>The peer's <c>a=fingerprint</c>; its certificate must match. Required.</summary>
    public DtlsFingerprint? RemoteFingerprint { get; set; }

    /// <summary>How long the whole handshake may take (default 10 s); then <see cref="DtlsError.HandshakeTimeout"/>.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest DTLS datagram we send, in bytes (default 1200, as browsers use); handshake messages are fragmented to fit.</summary>
    public int Mtu { get; set; } = 1200;

    /// <summary>Received datagrams buffered before new ones are dropped (default 64).</summary>
    public int ReceiveQueueCapacity { get; set; } = 64;

    /// <summary>
    /// SRTP profiles in our order of preference (default AEAD_AES_128_GCM, hardware AES-GCM and one pass, then AES_CM_128_HMAC_SHA1_80). The
    /// client offers them; the server picks the first one the client also offers.
    /// </summary>
    public IReadOnlyList<SrtpProfile> SrtpProfiles { get; set; } = [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1_80];

    /// <summary>Options of the SRTP contexts created after the handshake (default <see cref="Srtp.SrtpOptions"/> defaults).</summary>
    public SrtpOptions? SrtpOptions { get; set; }

    /// <summary>Clock for the handshake timeout (default <see cref="TimeProvider.System"/>). BouncyCastle's retransmission timers use the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (Certificate is null || RemoteFingerprint is null)
        {
            throw new ArgumentException("DtlsOptions needs a Certificate and a RemoteFingerprint.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "Must be positive.");
        }

        if (Mtu is < MinMtu or > MaxMtu)
        {
            throw new ArgumentOutOfRangeException(nameof(Mtu), Mtu, $"Must be between {MinMtu} and {MaxMtu}.");
        }

        if (ReceiveQueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveQueueCapacity), ReceiveQueueCapacity, "Must be at least 1.");
        }

        if (SrtpProfiles is null || SrtpProfiles.Count == 0 || SrtpProfiles.Any(p => !Enum.IsDefined(p)))
        {
            throw new ArgumentException("SrtpProfiles must list at least one known profile.", nameof(SrtpProfiles));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        SrtpOptions?.Validate();
    }
}
