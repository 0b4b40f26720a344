// Spec: https://noiseprotocol.org/noise.html#the-handshakestate-object (rev 34 §5.3)
//       https://noiseprotocol.org/noise.html#interactive-handshake-patterns-fundamental (§7.5, XX)
using System.Security.Cryptography;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// The Noise HandshakeState for <c>Noise_XX_25519_ChaChaPoly_SHA256</c>:
/// <code>
/// XX:
///   -> e
///   &lt;- e, ee, s, es
///   -> s, se
/// </code>
/// Payloads are opaque bytes here; the libp2p payload is handled by <see cref="NoisePayload"/>.
/// </summary>
internal sealed partial class HandshakeState : IDisposable
{
    /// <summary>The protocol name; 32 bytes, so it is used as the initial <c>h</c> unhashed.</summary>
    public static ReadOnlySpan<byte> ProtocolName => "Noise_XX_25519_ChaChaPoly_SHA256"u8;

    /// <summary>Number of messages in XX.</summary>
    public const int MessageCount = 3;

    private readonly SymmetricState _ss = new(ProtocolName);
    private readonly bool _initiator;
    private readonly X25519KeyPair _s;
    private X25519KeyPair? _e;
    private byte[]? _re;
    private byte[]? _rs;
    private int _message;

    /// <summary>
    /// <c>Initialize(handshake_pattern = XX, initiator, prologue, s)</c>. <paramref name="ephemeral"/> fixes
    /// <c>e</c> for test vectors; normally it is generated when written.
    /// </summary>
    public HandshakeState(bool initiator, X25519KeyPair staticKey, ReadOnlySpan<byte> prologue, X25519KeyPair? ephemeral = null)
    {
        ArgumentNullException.ThrowIfNull(staticKey);
        _initiator = initiator;
        _s = staticKey;
        _e = ephemeral;
        _ss.MixHash(prologue);
    }

    private enum Token
    {
        E,
        S,
        EE,
        ES,
        SE,
    }

    /// <summary>True when the next message is ours to write.</summary>
    public bool IsMyTurn => _message < MessageCount && (_message % 2 == 0) == _initiator;

    /// <summary>True after the third message.</summary>
    public bool IsComplete => _message == MessageCount;

    /// <summary>The remote static key <c>rs</c>, once received.</summary>
    public ReadOnlySpan<byte> RemoteStaticKey => _rs;

    /// <summary>The handshake hash <c>h</c>.</summary>
    public ReadOnlySpan<byte> HandshakeHash => _ss.HandshakeHash;

    /// <summary>Bytes <see cref="WriteMessage"/> produces for the next message with a payload of this size.</summary>
    public int GetMessageSize(int payloadLength)
    {
        var size = 0;
        var hasKey = _ss.HasKey;
        foreach (var token in Tokens(_message))
        {
            size += token switch
            {
                Token.E => X25519KeyPair.KeySize,
                Token.S => X25519KeyPair.KeySize + (hasKey ? NoiseFrame.TagSize : 0),
                _ => 0,
            };
            hasKey |= token is Token.EE or Token.ES or Token.SE;
        }

        return size + payloadLength + (hasKey ? NoiseFrame.TagSize : 0);
    }

    /// <summary>Returns the two transport CipherStates as (send, receive) for this side.</summary>
    public (CipherState Send, CipherState Receive) Split()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException("The handshake is not complete.");
        }

        var (c1, c2) = _ss.Split();
        return _initiator ? (c1, c2) : (c2, c1);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _ss.Dispose();
        _e?.Dispose();
    }

    private static ReadOnlySpan<Token> Tokens(int message) => message switch
    {
        0 => [Token.E],
        1 => [Token.E, Token.EE, Token.S, Token.ES],
        2 => [Token.S, Token.SE],
        _ => throw new InvalidOperationException("The handshake is complete."),
    };

    // The DH tokens, per §5.3: "ee" = DH(e, re); "es" = DH(e, rs) for the initiator, DH(s, re) for the
    // responder; "se" = DH(s, re) for the initiator, DH(e, rs) for the responder.
    private void MixDh(Token token)
    {
        var (local, remote) = token switch
        {
            Token.EE => (_e, _re),
            Token.ES => _initiator ? (_e, _rs) : (_s, _re),
            _ => _initiator ? (_s, _re) : (_e, _rs),
        };
        if (local is null || remote is null)
        {
            throw new InvalidOperationException($"Token {token} has no key to use.");
        }

        Span<byte> secret = stackalloc byte[X25519KeyPair.KeySize];
        local.Agree(remote, secret);
        _ss.MixKey(secret);
        CryptographicOperations.ZeroMemory(secret);
    }
}
