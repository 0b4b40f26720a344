// Spec: https://github.com/multiformats/cid
namespace Casto.Stack.Multiformats;

/// <summary>
/// A content identifier: CIDv1 is <c>&lt;multibase&gt;(varint(1) varint(codec) multihash)</c>;
/// CIDv0 is a bare base58btc sha2-256 multihash ("Qm…", codec dag-pb). Enough for peer ids.
/// </summary>
public sealed class Cid : IEquatable<Cid>
{
    /// <summary>The <c>libp2p-key</c> multicodec, used for peer ids.</summary>
    public const ulong Libp2pKey = 0x72;

    /// <summary>The <c>dag-pb</c> multicodec (implied by CIDv0).</summary>
    public const ulong DagPb = 0x70;

    /// <summary>The <c>raw</c> multicodec.</summary>
    public const ulong Raw = 0x55;

    /// <summary>Creates a CID.</summary>
    public Cid(int version, ulong codec, Multihash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (version is not (0 or 1) || (version == 0 && (codec != DagPb || hash.Code != Multihash.Sha256Code)))
        {
            throw new ArgumentException("Only CIDv0 (dag-pb, sha2-256) and CIDv1 are supported.", nameof(version));
        }

        Version = version;
        Codec = codec;
        Hash = hash;
    }

    /// <summary>0 or 1.</summary>
    public int Version { get; }

    /// <summary>The content multicodec.</summary>
    public ulong Codec { get; }

    /// <summary>The multihash.</summary>
    public Multihash Hash { get; }

    /// <summary>Parses a CID from text (CIDv0 base58btc, or any supported multibase for CIDv1).</summary>
    public static Cid Parse(ReadOnlySpan<char> text)
    {
        if (text.Length == 46 && text.StartsWith("Qm", StringComparison.Ordinal))
        {
            return new Cid(0, DagPb, Multihash.Parse(BaseX.Base58Btc.Decode(text)));
        }

        // A multibase-encoded 0x12 would be a CIDv0, which may not be multibase encoded (cid spec, decoding §1).
        var bytes = Multibase.Decode(text);
        if (bytes.Length > 0 && bytes[0] == 0x12)
        {
            throw new MultiformatsException(MultiformatsError.InvalidCid, "A CIDv0 must not carry a multibase prefix.");
        }

        return FromBytes(bytes);
    }

    /// <summary>Decodes the binary form (a leading 0x12 0x20 means CIDv0).</summary>
    public static Cid FromBytes(ReadOnlySpan<byte> data)
    {
        if (data.Length == 34 && data[0] == 0x12 && data[1] == 0x20)
        {
            return new Cid(0, DagPb, Multihash.Parse(data));
        }

        var version = VarInt.Read(data, out var n1);
        if (version != 1)
        {
            throw new MultiformatsException(MultiformatsError.InvalidCid, $"Unsupported CID version {version}.");
        }

        var codec = VarInt.Read(data[n1..], out var n2);
        return new Cid(1, codec, Multihash.Parse(data[(n1 + n2)..]));
    }

    /// <summary>The binary form.</summary>
    public byte[] ToBytes()
    {
        if (Version == 0)
        {
            return Hash.Bytes.ToArray();
        }

        var bytes = new byte[1 + VarInt.GetSize(Codec) + Hash.Bytes.Length];
        var n = VarInt.Write(1, bytes);
        n += VarInt.Write(Codec, bytes.AsSpan(n));
        Hash.Bytes.CopyTo(bytes.AsSpan(n));
        return bytes;
    }

    /// <summary>Text form: base58btc for CIDv0, the given multibase (default base32) for CIDv1.</summary>
    public string ToString(MultibaseEncoding encoding) =>
        Version == 0 ? BaseX.Base58Btc.Encode(Hash.Bytes) : Multibase.Encode(encoding, ToBytes());

    /// <inheritdoc/>
    public override string ToString() => ToString(MultibaseEncoding.Base32);

    /// <inheritdoc/>
    public bool Equals(Cid? other) =>
        other is not null && Version == other.Version && Codec == other.Codec && Hash.Equals(other.Hash);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Cid);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Version, Codec, Hash);
}
