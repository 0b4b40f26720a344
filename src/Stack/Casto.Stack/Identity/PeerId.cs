// Spec: https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#peer-ids
using System.Diagnostics.CodeAnalysis;
using Casto.Stack.Multiformats;

namespace Casto.Stack.Identity;

/// <summary>
/// A peer id: the multihash of the peer's protobuf-encoded public key — the identity multihash when
/// the encoding is at most 42 bytes (Ed25519, secp256k1), sha2-256 otherwise (RSA, ECDSA).
/// Text is base58btc ("12D3KooW…", "Qm…"); CIDv1 (libp2p-key, e.g. "bafz…") is parsed too.
/// </summary>
public sealed class PeerId : IEquatable<PeerId>
{
    /// <summary>Encoded public keys up to this size are inlined with the identity multihash.</summary>
    public const int MaxInlineKeyLength = 42;

    /// <summary>Longest text accepted by <see cref="Parse"/>.</summary>
    public const int MaxTextLength = 256;

    private readonly Multihash _multihash;
    private readonly PublicKey? _publicKey;
    private string? _text;

    private PeerId(Multihash multihash, PublicKey? publicKey)
    {
        _multihash = multihash;
        _publicKey = publicKey;
    }

    /// <summary>The multihash bytes (what <c>/p2p/</c> and protocols carry).</summary>
    public ReadOnlySpan<byte> Bytes => _multihash.Bytes;

    /// <summary>The multihash.</summary>
    public Multihash Multihash => _multihash;

    /// <summary>The public key when it is inlined (identity multihash), else null.</summary>
    public PublicKey? PublicKey => _publicKey;

    /// <summary>Derives the peer id of <paramref name="key"/>.</summary>
    public static PeerId FromPublicKey(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var encoded = key.Protobuf;
        return encoded.Length <= MaxInlineKeyLength
            ? new PeerId(Multihash.Identity(encoded), key)
            : new PeerId(Multihash.Sha256(encoded), null);
    }

    /// <summary>Decodes the binary form (a multihash); throws <see cref="IdentityException"/> on bad input.</summary>
    public static PeerId FromBytes(ReadOnlySpan<byte> bytes)
    {
        Multihash mh;
        try
        {
            mh = Multihash.Parse(bytes);
        }
        catch (MultiformatsException ex)
        {
            throw new IdentityException(IdentityError.InvalidPeerId, "A peer id must be a multihash.", ex);
        }

        return FromMultihash(mh);
    }

    /// <summary>Checks that <paramref name="multihash"/> is a valid peer id.</summary>
    public static PeerId FromMultihash(Multihash multihash)
    {
        ArgumentNullException.ThrowIfNull(multihash);
        switch (multihash.Code)
        {
            case Multihash.Sha256Code:
                return new PeerId(multihash, null);
            case Multihash.IdentityCode when multihash.Digest.Length <= MaxInlineKeyLength:
                try
                {
                    return new PeerId(multihash, PublicKey.FromProtobuf(multihash.Digest));
                }
                catch (IdentityException ex)
                {
                    throw new IdentityException(IdentityError.InvalidPeerId, "The inlined public key is invalid.", ex);
                }

            default:
                throw new IdentityException(IdentityError.InvalidPeerId, "A peer id is an identity (at most 42 bytes) or sha2-256 multihash.");
        }
    }

    /// <summary>Parses base58btc ("1…", "Qm…") or a CIDv1 with the libp2p-key codec.</summary>
    public static PeerId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length is 0 or > MaxTextLength)
        {
            throw new IdentityException(IdentityError.InvalidPeerId, "Peer id text is empty or too long.");
        }

        try
        {
            if (text[0] == '1' || text.StartsWith("Qm", StringComparison.Ordinal))
            {
                return FromBytes(Multibase.DecodeRaw(MultibaseEncoding.Base58Btc, text));
            }

            var cid = Cid.Parse(text);
            if (cid.Version != 1 || cid.Codec != Cid.Libp2pKey)
            {
                throw new IdentityException(IdentityError.InvalidPeerId, "A CID peer id must be CIDv1 with the libp2p-key codec.");
            }

            return FromMultihash(cid.Hash);
        }
        catch (MultiformatsException ex)
        {
            throw new IdentityException(IdentityError.InvalidPeerId, $"Invalid peer id: {ex.Message}", ex);
        }
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PeerId? peerId)
    {
        try
        {
            peerId = text is null ? null : Parse(text);
        }
        catch (IdentityException)
        {
            peerId = null;
        }

        return peerId is not null;
    }

    /// <summary>True when <paramref name="key"/> is the key this id was derived from.</summary>
    public bool Matches(PublicKey key) => Equals(FromPublicKey(key));

    /// <summary>The CIDv1 text form (base32 by default).</summary>
    public string ToCidString(MultibaseEncoding encoding = MultibaseEncoding.Base32) =>
        new Cid(1, Cid.Libp2pKey, _multihash).ToString(encoding);

    /// <summary>The canonical text form: base58btc of the multihash.</summary>
    public override string ToString() => _text ??= Multibase.EncodeRaw(MultibaseEncoding.Base58Btc, _multihash.Bytes);

    /// <inheritdoc/>
    public bool Equals(PeerId? other) => other is not null && _multihash.Equals(other._multihash);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PeerId);

    /// <inheritdoc/>
    public override int GetHashCode() => _multihash.GetHashCode();

    /// <summary>Value equality.</summary>
    public static bool operator ==(PeerId? left, PeerId? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(PeerId? left, PeerId? right) => !(left == right);
}
