// Spec: https://noiseprotocol.org/noise.html#the-handshakestate-object (rev 34 §5.3, WriteMessage / ReadMessage)
namespace Casto.Stack.Security.Noise;

internal sealed partial class HandshakeState
{
    /// <summary>
    /// <c>WriteMessage(payload, message_buffer)</c>: processes the next message's tokens, then appends
    /// <c>EncryptAndHash(payload)</c>. Returns the message length (see <see cref="GetMessageSize"/>).
    /// </summary>
    public int WriteMessage(ReadOnlySpan<byte> payload, Span<byte> message)
    {
        if (!IsMyTurn)
        {
            throw new InvalidOperationException("It is not our turn to write a handshake message.");
        }

        if (message.Length < GetMessageSize(payload.Length))
        {
            throw new ArgumentException("The message buffer is too small.", nameof(message));
        }

        var offset = 0;
        foreach (var token in Tokens(_message))
        {
            switch (token)
            {
                case Token.E:
                    _e ??= X25519KeyPair.Generate();
                    _e.PublicKey.CopyTo(message[offset..]);
                    _ss.MixHash(_e.PublicKey);
                    offset += X25519KeyPair.KeySize;
                    break;
                case Token.S:
                    offset += _ss.EncryptAndHash(_s.PublicKey, message[offset..]);
                    break;
                default:
                    MixDh(token);
                    break;
            }
        }

        offset += _ss.EncryptAndHash(payload, message[offset..]);
        _message++;
        return offset;
    }

    /// <summary>
    /// <c>ReadMessage(message, payload_buffer)</c>: processes the next message's tokens, then decrypts the
    /// payload into <paramref name="payload"/>. Returns the payload length.
    /// </summary>
    /// <exception cref="NoiseException">The message is too short, a key is invalid, or decryption fails.</exception>
    public int ReadMessage(ReadOnlySpan<byte> message, Span<byte> payload)
    {
        if (IsMyTurn || IsComplete)
        {
            throw new InvalidOperationException("It is not the remote's turn to send a handshake message.");
        }

        var minimum = GetMessageSize(0);
        if (message.Length < minimum)
        {
            throw new NoiseException(
                NoiseError.HandshakeFailed, $"Handshake message {_message + 1} is {message.Length} bytes, shorter than the {minimum}-byte minimum.");
        }

        var offset = 0;
        foreach (var token in Tokens(_message))
        {
            switch (token)
            {
                case Token.E:
                    _re = message.Slice(offset, X25519KeyPair.KeySize).ToArray();
                    _ss.MixHash(_re);
                    offset += X25519KeyPair.KeySize;
                    break;
                case Token.S:
                    var length = X25519KeyPair.KeySize + (_ss.HasKey ? NoiseFrame.TagSize : 0);
                    var rs = new byte[X25519KeyPair.KeySize];
                    _ss.DecryptAndHash(message.Slice(offset, length), rs);
                    _rs = rs;
                    offset += length;
                    break;
                default:
                    MixDh(token);
                    break;
            }
        }

        var written = _ss.DecryptAndHash(message[offset..], payload);
        _message++;
        return written;
    }
}
