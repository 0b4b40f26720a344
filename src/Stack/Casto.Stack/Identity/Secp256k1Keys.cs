// Spec: https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#secp256k1
// Signatures: ECDSA over SHA-256, DER-encoded (BIP 62), deterministic nonces (RFC 6979), low-S.
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using Org.BouncyCastle.Utilities;

namespace Casto.Stack.Identity;

/// <summary>Curve parameters shared by the secp256k1 key classes (immutable).</summary>
internal static class Secp256k1
{
    public static readonly ECDomainParameters Domain = CreateDomain();
    public static readonly BigInteger HalfOrder = Domain.N.ShiftRight(1);

    private static ECDomainParameters CreateDomain()
    {
        var x9 = SecNamedCurves.GetByName("secp256k1");
        return new ECDomainParameters(x9.Curve, x9.G, x9.N, x9.H);
    }
}

/// <summary>A secp256k1 public key: the 33-byte compressed SEC1 point (65-byte uncompressed is read too).</summary>
internal sealed class Secp256k1PublicKey : PublicKey
{
    private readonly ECPublicKeyParameters _parameters;

    private Secp256k1PublicKey(byte[] data, ECPoint point)
        : base(KeyType.Secp256k1, data) => _parameters = new ECPublicKeyParameters(point, Secp256k1.Domain);

    public static Secp256k1PublicKey Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length is not (33 or 65))
        {
            throw new IdentityException(IdentityError.InvalidKey, $"A secp256k1 public key is 33 bytes, not {data.Length}.");
        }

        ECPoint point;
        try
        {
            point = Secp256k1.Domain.Curve.DecodePoint(data.ToArray());
        }
        catch (ArgumentException ex)
        {
            throw new IdentityException(IdentityError.InvalidKey, "The secp256k1 public key is not a point on the curve.", ex);
        }

        if (point.IsInfinity || !point.IsValid())
        {
            throw new IdentityException(IdentityError.InvalidKey, "The secp256k1 public key is not a valid point.");
        }

        return new Secp256k1PublicKey(data.ToArray(), point);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!DerSignature.TryDecode(signature, out var r, out var s) || !DerSignature.InRange(r, s, Secp256k1.Domain.N))
        {
            return false;
        }

        var signer = new ECDsaSigner();
        signer.Init(false, _parameters);
        return signer.VerifySignature(SHA256.HashData(data), r, s);
    }
}

/// <summary>A secp256k1 private key: the 32-byte big-endian scalar.</summary>
internal sealed class Secp256k1PrivateKey : PrivateKey
{
    private readonly ECPrivateKeyParameters _parameters;

    private Secp256k1PrivateKey(BigInteger d)
    {
        _parameters = new ECPrivateKeyParameters(d, Secp256k1.Domain);
        var q = Secp256k1.Domain.G.Multiply(d).Normalize();
        PublicKey = Secp256k1PublicKey.Decode(q.GetEncoded(true));
    }

    public override KeyType Type => KeyType.Secp256k1;

    public override PublicKey PublicKey { get; }

    public static Secp256k1PrivateKey Generate()
    {
        Span<byte> scalar = stackalloc byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(scalar);
            var d = new BigInteger(1, scalar);
            if (d.SignValue > 0 && d.CompareTo(Secp256k1.Domain.N) < 0)
            {
                CryptographicOperations.ZeroMemory(scalar);
                return new Secp256k1PrivateKey(d);
            }
        }
    }

    public static Secp256k1PrivateKey Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length != 32)
        {
            throw new IdentityException(IdentityError.InvalidKey, $"A secp256k1 private key is 32 bytes, not {data.Length}.");
        }

        var d = new BigInteger(1, data);
        if (d.SignValue == 0 || d.CompareTo(Secp256k1.Domain.N) >= 0)
        {
            throw new IdentityException(IdentityError.InvalidKey, "The secp256k1 private scalar is out of range.");
        }

        return new Secp256k1PrivateKey(d);
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, _parameters);
        var rs = signer.GenerateSignature(SHA256.HashData(data));
        var s = rs[1].CompareTo(Secp256k1.HalfOrder) > 0 ? Secp256k1.Domain.N.Subtract(rs[1]) : rs[1];
        return new DerSequence(new DerInteger(rs[0]), new DerInteger(s)).GetEncoded(Asn1Encodable.Der);
    }

    protected override byte[] ExportData() => BigIntegers.AsUnsignedByteArray(32, _parameters.D);
}

/// <summary>Strict DER <c>SEQUENCE { INTEGER r, INTEGER s }</c> decoding for ECDSA signatures.</summary>
internal static class DerSignature
{
    public static bool TryDecode(ReadOnlySpan<byte> der, out BigInteger r, out BigInteger s)
    {
        r = s = BigInteger.Zero;
        if (der.Length is < 8 or > 256)
        {
            return false;
        }

        try
        {
            var bytes = der.ToArray();
            if (Asn1Object.FromByteArray(bytes) is not Asn1Sequence { Count: 2 } seq
                || seq[0] is not DerInteger ri || seq[1] is not DerInteger si
                || !seq.GetEncoded(Asn1Encodable.Der).AsSpan().SequenceEqual(bytes))
            {
                return false;
            }

            r = ri.PositiveValue;
            s = si.PositiveValue;
            return ri.Value.SignValue > 0 && si.Value.SignValue > 0;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            return false;
        }
    }

    public static bool InRange(BigInteger r, BigInteger s, BigInteger n) =>
        r.SignValue > 0 && s.SignValue > 0 && r.CompareTo(n) < 0 && s.CompareTo(n) < 0;
}
