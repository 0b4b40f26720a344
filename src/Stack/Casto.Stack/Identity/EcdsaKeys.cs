// Spec: https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#ecdsa
// Public key: DER SubjectPublicKeyInfo. Private key: DER SEC1 ECPrivateKey. Signature: DER over SHA-256.
using System.Security.Cryptography;

namespace Casto.Stack.Identity;

/// <summary>An ECDSA public key on a NIST curve (P-256, P-384 or P-521).</summary>
internal sealed class EcdsaPublicKey : PublicKey
{
    private readonly ECDsa _ecdsa;
    private readonly Lock _lock = new();

    private EcdsaPublicKey(byte[] data, ECDsa ecdsa)
        : base(KeyType.Ecdsa, data) => _ecdsa = ecdsa;

    public static EcdsaPublicKey Decode(ReadOnlySpan<byte> data)
    {
        var ecdsa = BclKeys.Import(
            ECDsa.Create(), data, static (ECDsa a, ReadOnlySpan<byte> d, out int n) => a.ImportSubjectPublicKeyInfo(d, out n), EcdsaCurves.Check, "ECDSA public key");
        return new EcdsaPublicKey(data.ToArray(), ecdsa);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        lock (_lock)
        {
            try
            {
                return _ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
    }
}

/// <summary>An ECDSA private key on a NIST curve.</summary>
internal sealed class EcdsaPrivateKey : PrivateKey
{
    private readonly ECDsa _ecdsa;
    private readonly Lock _lock = new();

    private EcdsaPrivateKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        PublicKey = EcdsaPublicKey.Decode(ecdsa.ExportSubjectPublicKeyInfo());
    }

    public override KeyType Type => KeyType.Ecdsa;

    public override PublicKey PublicKey { get; }

    public static EcdsaPrivateKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static EcdsaPrivateKey Decode(ReadOnlySpan<byte> data) => new(BclKeys.Import(
        ECDsa.Create(), data, static (ECDsa a, ReadOnlySpan<byte> d, out int n) => a.ImportECPrivateKey(d, out n), EcdsaCurves.Check, "ECDSA private key"));

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            return _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
    }

    protected override byte[] ExportData()
    {
        lock (_lock)
        {
            return _ecdsa.ExportECPrivateKey();
        }
    }

    protected override void Dispose(bool disposing)
    {
        _ecdsa.Dispose();
        base.Dispose(disposing);
    }
}

internal static class EcdsaCurves
{
    /// <summary>Only the named NIST curves libp2p implementations use.</summary>
    public static void Check(ECDsa ecdsa)
    {
        var oid = ecdsa.ExportParameters(false).Curve.Oid?.Value;
        if (oid is not ("1.2.840.10045.3.1.7" or "1.3.132.0.34" or "1.3.132.0.35"))
        {
            throw new IdentityException(IdentityError.InvalidKey, "ECDSA keys must use P-256, P-384 or P-521.");
        }
    }
}
