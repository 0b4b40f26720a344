namespace Casto.WebRtc.Stun;

/// <summary>The message class (RFC 8489 §5, bits C1 C0 of the message type).</summary>
internal enum StunClass : byte
{
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
}

/// <summary>The message method (RFC 8489 §18.2, RFC 8656 §17 for TURN).</summary>
internal enum StunMethod : ushort
{
    Binding = 0x001,
    Allocate = 0x003,
    Refresh = 0x004,
    Send = 0x006,
    Data = 0x007,
    CreatePermission = 0x008,
    ChannelBind = 0x009,
}

/// <summary>Attribute types (RFC 8489 §18.3, RFC 8445 §16.1, RFC 8656 §18). Below 0x8000 comprehension-required, above optional.</summary>
internal enum StunAttributeType : ushort
{
    MappedAddress = 0x0001,
    Username = 0x0006,
    MessageIntegrity = 0x0008,
    ErrorCode = 0x0009,
    UnknownAttributes = 0x000A,
    /// <summary>TURN (RFC 8656 §18): channel number in the top 16 bits, RFFU below.</summary>
    ChannelNumber = 0x000C,
    /// <summary>TURN: allocation lifetime in seconds (32 bits).</summary>
    Lifetime = 0x000D,
    /// <summary>TURN: the peer, XOR-encoded like XOR-MAPPED-ADDRESS.</summary>
    XorPeerAddress = 0x0012,
    /// <summary>TURN: the application data of a Send or Data indication.</summary>
    Data = 0x0013,
    Realm = 0x0014,
    Nonce = 0x0015,
    /// <summary>TURN: the relayed transport address of the allocation.</summary>
    XorRelayedAddress = 0x0016,
    /// <summary>TURN: address family of the relayed address wanted.</summary>
    RequestedAddressFamily = 0x0017,
    /// <summary>TURN: ask for an even relayed port.</summary>
    EvenPort = 0x0018,
    /// <summary>TURN: protocol number in the top 8 bits (17 = UDP), RFFU below.</summary>
    RequestedTransport = 0x0019,
    /// <summary>TURN: set DF on relayed datagrams.</summary>
    DontFragment = 0x001A,
    MessageIntegritySha256 = 0x001C,
    PasswordAlgorithm = 0x001D,
    Userhash = 0x001E,
    XorMappedAddress = 0x0020,
    /// <summary>TURN: token of a reserved relayed address.</summary>
    ReservationToken = 0x0022,
    Priority = 0x0024,
    UseCandidate = 0x0025,
    PasswordAlgorithms = 0x8002,
    AlternateDomain = 0x8003,
    Software = 0x8022,
    AlternateServer = 0x8023,
    Fingerprint = 0x8028,
    IceControlled = 0x8029,
    IceControlling = 0x802A,
}

/// <summary>One attribute as a view into the message: its type and (unpadded) value.</summary>
internal readonly ref struct StunAttribute
{
    public StunAttribute(StunAttributeType type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    public StunAttributeType Type { get; }

    public ReadOnlySpan<byte> Value { get; }

    /// <summary>True for types 0x0000–0x7FFF, which an agent must understand or reject (RFC 8489 §14).</summary>
    public bool IsComprehensionRequired => (ushort)Type < 0x8000;
}
