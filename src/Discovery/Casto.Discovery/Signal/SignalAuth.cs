using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Casto.Stack.Identity;

namespace Casto.Discovery.Signal;

/// <summary>
/// The registration proof: the peer signs <c>"casto-signal-auth/v1\n" + nonce + "\n" + server</c> (UTF-8) with its
/// libp2p key. The nonce is fresh per connection, single use and expiring; <c>server</c> binds the proof to one server.
/// </summary>
internal static class SignalAuth
{
    /// <summary>Domain separation prefix of the signed payload.</summary>
    public const string Domain = "casto-signal-auth/v1\n";

    /// <summary>Largest accepted protobuf public key (RSA-4096 is ~550 bytes).</summary>
    public const int MaxPublicKeyBytes = 2048;

    /// <summary>A new 32-byte random nonce, base64url without padding.</summary>
    public static string NewNonce() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The bytes the peer signs.</summary>
    public static byte[] Payload(string nonce, string server) => Encoding.UTF8.GetBytes(Domain + nonce + "\n" + server);

    /// <summary>Signs the challenge (client side) and builds the register message.</summary>
    public static SignalMessage Register(PrivateKey key, string nonce, string server) => new()
    {
        Type = SignalMessageType.Register,
        Nonce = nonce,
        PeerId = key.PeerId.ToString(),
        PublicKey = Convert.ToBase64String(key.PublicKey.Protobuf),
        Signature = Convert.ToBase64String(key.Sign(Payload(nonce, server))),
    };

    /// <summary>Checks a register against the connection's challenge; returns the proven peer id or throws.</summary>
    public static PeerId Verify(SignalMessage register, string nonce, string server)
    {
        if (register.PublicKey is not { } keyText || register.Signature is not { } signatureText || register.PeerId is not { } claimed)
        {
            throw new SignalException(SignalError.BadMessage, "register needs peerId, publicKey and signature");
        }

        PublicKey key;
        byte[] signature;
        try
        {
            var keyBytes = Convert.FromBase64String(keyText);
            if (keyBytes.Length > MaxPublicKeyBytes)
            {
                throw new SignalException(SignalError.BadKey, "public key too large");
            }

            key = PublicKey.FromProtobuf(keyBytes);
            signature = Convert.FromBase64String(signatureText);
        }
        catch (FormatException ex)
        {
            throw new SignalException(SignalError.BadKey, "bad public key or signature encoding: " + ex.Message, ex);
        }

        var peerId = PeerId.FromPublicKey(key);
        if (!PeerId.TryParse(claimed, out var claimedId) || claimedId != peerId)
        {
            throw new SignalException(SignalError.PeerIdMismatch, "peerId is not the public key's peer id");
        }

        if (!key.Verify(Payload(nonce, server), signature))
        {
            throw new SignalException(SignalError.BadSignature, "signature does not verify");
        }

        return peerId;
    }
}
