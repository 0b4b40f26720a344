// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-5.3 (ufrag ≥ 24 bits, password ≥ 128 bits of randomness);
// ice-char grammar https://www.rfc-editor.org/rfc/rfc8839#section-5.4
using System.Security.Cryptography;

namespace Casto.WebRtc.Ice;

/// <summary>Random local ufrag/password and transaction ids.</summary>
internal static class IceCredentials
{
    /// <summary>Ufrag length in ice-chars: 8 × 6 bits = 48 bits (≥ 24 required, ≥ 4 chars by RFC 8839).</summary>
    public const int UfragLength = 8;

    /// <summary>Password length in ice-chars: 24 × 6 bits = 144 bits (≥ 128 required, ≥ 22 chars by RFC 8839).</summary>
    public const int PasswordLength = 24;

    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static string NewUfrag() => RandomNumberGenerator.GetString(IceChars, UfragLength);

    public static string NewPassword() => RandomNumberGenerator.GetString(IceChars, PasswordLength);

    /// <summary>True for 1–256 ice-chars (ufrag needs ≥ 4, password ≥ 22: <paramref name="minLength"/>).</summary>
    public static bool IsValid(string? value, int minLength) =>
        value is not null && value.Length >= minLength && value.Length <= 256 && value.All(c => IceChars.Contains(c, StringComparison.Ordinal));

    public static ulong NewTieBreaker()
    {
        Span<byte> b = stackalloc byte[8];
        RandomNumberGenerator.Fill(b);
        return BitConverter.ToUInt64(b);
    }
}
