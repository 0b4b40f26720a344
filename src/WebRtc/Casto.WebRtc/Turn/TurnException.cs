// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-19 (TURN error codes), https://www.rfc-editor.org/rfc/rfc8489#section-14.8
namespace Casto.WebRtc.Turn;

/// <summary>Why a TURN operation failed.</summary>
public enum TurnError
{
    /// <summary>A ChannelData frame or TURN message is broken (reserved channel, length overrun, missing attribute).</summary>
    Malformed,
    /// <summary>The destination buffer is too small.</summary>
    BufferTooSmall,
    /// <summary>The server rejected the credentials (401 after authenticating, or 441 Wrong Credentials).</summary>
    Unauthorized,
    /// <summary>No response after every retransmission.</summary>
    Timeout,
    /// <summary>437 Allocation Mismatch: the 5-tuple has no (or already has an) allocation.</summary>
    AllocationMismatch,
    /// <summary>486 Allocation Quota Reached or 508 Insufficient Capacity.</summary>
    Capacity,
    /// <summary>442 Unsupported Transport Protocol, 440 Address Family not Supported, 443 Peer Address Family Mismatch.</summary>
    Unsupported,
    /// <summary>403 Forbidden (for example a peer address the server refuses).</summary>
    Forbidden,
    /// <summary>Any other error response; <see cref="TurnException.StunCode"/> has the code.</summary>
    ServerError,
    /// <summary>A response failed MESSAGE-INTEGRITY or lacked a required attribute.</summary>
    BadResponse,
    /// <summary>The local socket failed.</summary>
    SocketError,
    /// <summary>The client was disposed or its allocation is gone.</summary>
    Closed,
    /// <summary>A configured limit (permissions, channels) is reached.</summary>
    LimitReached,
}

/// <summary>Thrown by the TURN client and codec; <see cref="Error"/> says why.</summary>
public sealed class TurnException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TurnException(TurnError error, string message, Exception? inner = null, int stunCode = 0)
        : base(message, inner)
    {
        Error = error;
        StunCode = stunCode;
    }

    /// <summary>The kind of error.</summary>
    public TurnError Error { get; }

    /// <summary>The STUN ERROR-CODE of the error response (300–699), or 0.</summary>
    public int StunCode { get; }

    /// <summary>Maps an ERROR-CODE to <see cref="TurnError"/>.</summary>
    internal static TurnError FromCode(int code) => code switch
    {
        401 or 441 => TurnError.Unauthorized,
        437 => TurnError.AllocationMismatch,
        486 or 508 => TurnError.Capacity,
        440 or 442 or 443 => TurnError.Unsupported,
        403 => TurnError.Forbidden,
        _ => TurnError.ServerError,
    };
}
