// Spec: https://github.com/libp2p/specs/blob/master/noise/README.md#the-libp2p-handshake-payload
//       https://github.com/libp2p/specs/blob/master/noise/README.md#static-key-authentication
using Casto.Stack.Identity;
using Google.Protobuf;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// The libp2p handshake payload: the identity public key, its signature over
/// <c>"noise-libp2p-static-key:" || noise static public key</c>, and the Noise extensions.
/// </summary>
internal static class NoisePayload
{
    private static ReadOnlySpan<byte> SignaturePrefix => "noise-libp2p-static-key:"u8;

    /// <summary>Encodes our payload (once per channel: the static key does not change).</summary>
    public static byte[] Encode(PrivateKey identity, ReadOnlySpan<byte> staticPublicKey, IEnumerable<string> streamMuxers)
    {
        var payload = new Pb.NoiseHandshakePayload
        {
            IdentityKey = ByteString.CopyFrom(identity.PublicKey.Protobuf),
            IdentitySig = ByteString.CopyFrom(identity.Sign(SignedData(staticPublicKey))),
        };
        var extensions = new Pb.NoiseExtensions();
        extensions.StreamMuxers.AddRange(streamMuxers);
        if (extensions.StreamMuxers.Count > 0)
        {
            payload.Extensions = extensions;
        }

        return payload.ToByteArray();
    }

    /// <summary>
    /// Decodes the remote's payload and checks its signature against <paramref name="remoteStaticKey"/>,
    /// the static key the same handshake message carried.
    /// </summary>
    /// <exception cref="NoiseException"><see cref="NoiseError.InvalidPayload"/> or <see cref="NoiseError.InvalidSignature"/>.</exception>
    public static RemoteIdentity Decode(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> remoteStaticKey)
    {
        Pb.NoiseHandshakePayload message;
        try
        {
            message = Pb.NoiseHandshakePayload.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new NoiseException(NoiseError.InvalidPayload, "The Noise handshake payload is not a valid NoiseHandshakePayload.", ex);
        }

        if (!message.HasIdentityKey || !message.HasIdentitySig)
        {
            throw new NoiseException(NoiseError.InvalidPayload, "The Noise handshake payload lacks identity_key or identity_sig.");
        }

        PublicKey key;
        try
        {
            key = PublicKey.FromProtobuf(message.IdentityKey.Span);
        }
        catch (IdentityException ex)
        {
            throw new NoiseException(NoiseError.InvalidPayload, "The Noise handshake payload carries an invalid identity key.", ex);
        }

        if (!key.Verify(SignedData(remoteStaticKey), message.IdentitySig.Span))
        {
            throw new NoiseException(NoiseError.InvalidSignature, $"The identity signature of {key.ToPeerId()} over its Noise static key is invalid.");
        }

        var extensions = message.Extensions;
        return new RemoteIdentity(
            key,
            extensions is null ? [] : [.. extensions.StreamMuxers],
            extensions is null ? [] : [.. extensions.WebtransportCerthashes.Select(h => (ReadOnlyMemory<byte>)h.ToByteArray())]);
    }

    private static byte[] SignedData(ReadOnlySpan<byte> staticPublicKey) => [.. SignaturePrefix, .. staticPublicKey];
}

/// <summary>What the remote proved and announced in its handshake payload.</summary>
internal sealed record RemoteIdentity(
    PublicKey PublicKey, IReadOnlyList<string> StreamMuxers, IReadOnlyList<ReadOnlyMemory<byte>> WebTransportCertHashes);
