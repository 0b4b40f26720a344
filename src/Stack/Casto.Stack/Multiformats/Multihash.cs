// Spec: https://github.com/multiformats/multihash
using System.Security.Cryptography;

namespace Casto.Stack.Multiformats;

/// <summary>
/// A self-describing hash: <c>varint(code) varint(digest length) digest</c>.
/// </summary>
/// <remarks>
/// <code>
/// +-----------------+------------------+-------------------+
/// | code (uvarint)  | length (uvarint) | digest (length B) |
/// +-----------------+------------------+-------------------+
/// </code>
/// </remarks>
public sealed class Multihash : IEquatable<Multihash>
{
    /// <summary>The identity "hash": the digest is the input itself.</summary>
    public const ulong IdentityCode = 0x00;

    /// <summary>SHA2-256, 32-byte digest.</summary>
    public const ulong Sha256Code = 0x12;

    /// <summary>Largest digest accepted when decoding (bounds memory for untrusted input).</summary>
    public const int MaxDigestLength = 1024;

    private readonly byte[] _bytes;
    private readonly int _digestOffset;

    private Multihash(byte[] bytes, ulong code, int digestOffset)
    {
        _bytes = bytes;
        Code = code;
        _digestOffset = digestOffset;
    }

    /// <summary>The hash function code from the multicodec table.</summary>
    public ulong Code { get; }

    /// <summary>The digest bytes.</summary>
    public ReadOnlySpan<byte> Digest => _bytes.AsSpan(_digestOffset);

    /// <summary>The whole encoded multihash.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Builds the identity multihash of <paramref name="data"/>.</summary>
    public static Multihash Identity(ReadOnlySpan<byte> data) => Create(IdentityCode, data);

    /// <summary>Hashes <paramref name="data"/> with SHA2-256.</summary>
    public static Multihash Sha256(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, digest);
        return Create(Sha256Code, digest);
    }

    /// <summary>Wraps an existing digest.</summary>
    public static Multihash Create(ulong code, ReadOnlySpan<byte> digest)
    {
        if (digest.Length > MaxDigestLength)
        {
            throw new ArgumentOutOfRangeException(nameof(digest), $"Digest exceeds {MaxDigestLength} bytes.");
        }

        var header = VarInt.GetSize(code) + VarInt.GetSize((ulong)digest.Length);
        var bytes = new byte[header + digest.Length];
        var n = VarInt.Write(code, bytes);
        n += VarInt.Write((ulong)digest.Length, bytes.AsSpan(n));
        digest.CopyTo(bytes.AsSpan(n));
        return new Multihash(bytes, code, n);
    }

    /// <summary>Decodes a multihash that spans exactly <paramref name="data"/>.</summary>
    public static Multihash Parse(ReadOnlySpan<byte> data)
    {
        var mh = Read(data, out var consumed);
        if (consumed != data.Length)
        {
            throw new MultiformatsException(MultiformatsError.InvalidMultihash, "Trailing bytes after the multihash.");
        }

        return mh;
    }

    /// <summary>Decodes a multihash at the start of <paramref name="data"/>, reporting the bytes used.</summary>
    public static Multihash Read(ReadOnlySpan<byte> data, out int consumed)
    {
        var code = VarInt.Read(data, out var n1);
        var length = VarInt.ReadLength(data[n1..], MaxDigestLength, out var n2);
        var header = n1 + n2;
        if (data.Length - header < length)
        {
            throw new MultiformatsException(MultiformatsError.Truncated, "Multihash digest is truncated.");
        }

        if (code == Sha256Code && length != SHA256.HashSizeInBytes)
        {
            throw new MultiformatsException(MultiformatsError.InvalidMultihash, "A sha2-256 digest must be 32 bytes.");
        }

        consumed = header + length;
        return new Multihash(data[..consumed].ToArray(), code, header);
    }

    /// <inheritdoc/>
    public bool Equals(Multihash? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Multihash);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>Lowercase hex of the encoded bytes.</summary>
    public override string ToString() => Convert.ToHexStringLower(_bytes);
}
