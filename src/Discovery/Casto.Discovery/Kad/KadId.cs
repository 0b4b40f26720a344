using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Casto.Discovery.Kad;

/// <summary>
/// A point in the 256-bit keyspace: sha256 of a key (a peer id's bytes, a provider multihash, a record key).
/// The distance between two keys is <c>XOR(sha256(a), sha256(b))</c> (kad-dht §Distance).
/// </summary>
internal readonly struct KadId : IEquatable<KadId>
{
    public const int Bits = 256;

    private readonly ulong _a, _b, _c, _d; // big-endian words

    private KadId(ulong a, ulong b, ulong c, ulong d) => (_a, _b, _c, _d) = (a, b, c, d);

    /// <summary>The keyspace point of <paramref name="key"/> (sha256 of its bytes).</summary>
    public static KadId FromKey(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        return FromHash(hash);
    }

    /// <summary>Wraps 32 bytes that already are a keyspace point.</summary>
    public static KadId FromHash(ReadOnlySpan<byte> hash) => new(
        BinaryPrimitives.ReadUInt64BigEndian(hash),
        BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));

    /// <summary>The XOR distance to <paramref name="other"/>.</summary>
    public KadId Xor(KadId other) => new(_a ^ other._a, _b ^ other._b, _c ^ other._c, _d ^ other._d);

    /// <summary>Leading bits shared with <paramref name="other"/> (256 for itself).</summary>
    public int CommonPrefixLength(KadId other) => Xor(other).LeadingZeros();

    /// <summary>Number of leading zero bits (256 for zero).</summary>
    public int LeadingZeros()
    {
        if (_a != 0) return BitOperations.LeadingZeroCount(_a);
        if (_b != 0) return 64 + BitOperations.LeadingZeroCount(_b);
        if (_c != 0) return 128 + BitOperations.LeadingZeroCount(_c);
        return _d != 0 ? 192 + BitOperations.LeadingZeroCount(_d) : 256;
    }

    /// <summary>Compares the distances of <paramref name="x"/> and <paramref name="y"/> from this point.</summary>
    public int CompareDistance(KadId x, KadId y) => Xor(x).CompareTo(Xor(y));

    /// <summary>Unsigned big-endian comparison.</summary>
    public int CompareTo(KadId other)
    {
        var c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    public bool Equals(KadId other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is KadId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[32];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static bool operator ==(KadId left, KadId right) => left.Equals(right);

    public static bool operator !=(KadId left, KadId right) => !left.Equals(right);
}
