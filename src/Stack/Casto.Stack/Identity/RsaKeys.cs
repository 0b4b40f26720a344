// Spec: https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#rsa
// Public key: DER SubjectPublicKeyInfo. Private key: DER PKCS#1. Signature: RSASSA-PKCS1-v1_5 over SHA-256.
using System.Security.Cryptography;

namespace Casto.Stack.Identity;

/// <summary>Key size bounds, as go-libp2p enforces them.</summary>
internal static class RsaLimits
{
    public const int MinBits = 2048;
    public const int MaxBits = 8192;

    public static void Check(RSA rsa)
    {
        if (rsa.KeySize is < MinBits or > MaxBits)
        {
            throw new IdentityException(IdentityError.InvalidKey, $"RSA keys must be {MinBits} to {MaxBits} bits, not {rsa.KeySize}.");
        }
    }
}

/// <summary>An RSA public key.</summary>
internal sealed class RsaPublicKey : PublicKey
{
    private readonly RSA _rsa;

    private RsaPublicKey(byte[] data, RSA rsa)
        : base(KeyType.Rsa, data) => _rsa = rsa;

    public static RsaPublicKey Decode(ReadOnlySpan<byte> data)
    {
        var rsa = BclKeys.Import(
            RSA.Create(), data, static (RSA a, ReadOnlySpan<byte> d, out int n) => a.ImportSubjectPublicKeyInfo(d, out n), RsaLimits.Check, "RSA public key");
        return new RsaPublicKey(data.ToArray(), rsa);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            return _rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>An RSA private key.</summary>
internal sealed class RsaPrivateKey : PrivateKey
{
    private readonly RSA _rsa;

    private RsaPrivateKey(RSA rsa)
    {
        _rsa = rsa;
        PublicKey = RsaPublicKey.Decode(rsa.ExportSubjectPublicKeyInfo());
    }

    public override KeyType Type => KeyType.Rsa;

    public override PublicKey PublicKey { get; }

    public static RsaPrivateKey Generate(int bits) => new(RSA.Create(bits));

    public static RsaPrivateKey Decode(ReadOnlySpan<byte> data) => new(BclKeys.Import(
        RSA.Create(), data, static (RSA a, ReadOnlySpan<byte> d, out int n) => a.ImportRSAPrivateKey(d, out n), RsaLimits.Check, "RSA private key"));

    public override byte[] Sign(ReadOnlySpan<byte> data) =>
        _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    protected override byte[] ExportData() => _rsa.ExportRSAPrivateKey();

    protected override void Dispose(bool disposing)
    {
        _rsa.Dispose();
        base.Dispose(disposing);
    }
}
