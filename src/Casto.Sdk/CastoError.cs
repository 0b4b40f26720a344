namespace Casto.Sdk;

/// <summary>What went wrong, in a <see cref="CastoException"/>.</summary>
public enum CastoError
{
    /// <summary>Something else failed; <see cref="Exception.InnerException"/> says what.</summary>
    Unknown,

    /// <summary>A <see cref="CastoOptions"/> setting is invalid; the message names it.</summary>
    InvalidOptions,

    /// <summary>Nobody carrying the stream was found within <see cref="CastoOptions.JoinTimeout"/>.</summary>
    StreamNotFound,

    /// <summary>A signal server in <see cref="CastoOptions.SignalServers"/> could not be reached or refused us.</summary>
    SignalUnreachable,

    /// <summary>A publisher's file is neither VP8 in IVF nor H264 Annex-B, or is damaged.</summary>
    UnsupportedFile,

    /// <summary>A local port (listen address, RTP port, WHIP endpoint) could not be bound.</summary>
    AddressInUse,

    /// <summary>The stream already has a publisher here, or its name is invalid.</summary>
    PublishFailed,

    /// <summary>The key file could not be read or written.</summary>
    KeyFile,

    /// <summary>mDNS could not start: no interface matches <see cref="CastoOptions.MdnsInterface"/>, or UDP 5353 cannot be used.</summary>
    MdnsFailed,
}
