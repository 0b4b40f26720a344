using System.Security.Cryptography;

namespace Casto.Stack.Identity;

/// <summary>An import method of a BCL key type, e.g. <see cref="AsymmetricAlgorithm.ImportSubjectPublicKeyInfo"/>.</summary>
internal delegate void KeyImporter<in T>(T algorithm, ReadOnlySpan<byte> data, out int bytesRead);

/// <summary>Strict import of DER keys into BCL algorithms (RSA, ECDSA): whole input, typed errors.</summary>
internal static class BclKeys
{
    public static T Import<T>(T algorithm, ReadOnlySpan<byte> data, KeyImporter<T> import, Action<T> check, string what)
        where T : AsymmetricAlgorithm
    {
        try
        {
            import(algorithm, data, out var read);
            if (read != data.Length)
            {
                throw new IdentityException(IdentityError.InvalidKey, $"Trailing bytes after the {what}.");
            }

            check(algorithm);
            return algorithm;
        }
        catch (CryptographicException ex)
        {
            algorithm.Dispose();
            throw new IdentityException(IdentityError.InvalidKey, $"Malformed {what}.", ex);
        }
        catch
        {
            algorithm.Dispose();
            throw;
        }
    }
}
