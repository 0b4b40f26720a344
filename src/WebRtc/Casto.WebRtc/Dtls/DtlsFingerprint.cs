// Spec: https://www.rfc-editor.org/rfc/rfc8122#section-5 (fingerprint syntax),
//       https://www.rfc-editor.org/rfc/rfc8842#section-5 (DTLS certificate check)
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// A certificate fingerprint as carried in SDP: <c>a=fingerprint:sha-256 AB:CD:…</c>. The hash functions
/// sha-256 (the WebRTC default), sha-384 and sha-512 are supported.
/// </summary>
internal sealed class DtlsFingerprint
{
    private readonly byte[] _value;

    private DtlsFingerprint(string hashFunction, byte[] value)
    {
        HashFunction = hashFunction;
        _value = value;
    }

    /// <summary>The hash function token in lower case, e.g. <c>sha-256</c>.</summary>
    public string HashFunction { get; }

    /// <summary>The digest bytes.</summary>
    public ReadOnlySpan<byte> Value => _value;

    /// <summary>The SHA-256 fingerprint of a DER-encoded certificate.</summary>
    public static DtlsFingerprint Sha256(ReadOnlySpan<byte> certificateDer) => new("sha-256", SHA256.HashData(certificateDer));

    /// <summary>Parses <c>sha-256 AB:CD:…</c> (the value of <c>a=fingerprint</c>, an optional <c>a=fingerprint:</c> prefix allowed).</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        if (text is null)
        {
            return false;
        }

        string s = text.Trim();
        if (s.StartsWith("a=fingerprint:", StringComparison.OrdinalIgnoreCase))
        {
            s = s["a=fingerprint:".Length..];
        }

        int space = s.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return false;
        }

        string hash = s[..space].ToLowerInvariant();
        int length = DigestLength(hash);
        string hex = s[(space + 1)..].Trim();
        if (length == 0 || hex.Length != (3 * length) - 1)
        {
            return false;
        }

        byte[] value = new byte[length];
        for (int i = 0; i < length; i++)
        {
            if ((i > 0 && hex[(3 * i) - 1] != ':')
                || !byte.TryParse(hex.AsSpan(3 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value[i]))
            {
                return false;
            }
        }

        fingerprint = new DtlsFingerprint(hash, value);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>; throws <see cref="FormatException"/> for invalid text.</summary>
    public static DtlsFingerprint Parse(string text) =>
        TryParse(text, out DtlsFingerprint? f) ? f : throw new FormatException("Invalid certificate fingerprint.");

    /// <summary>Converts a parsed SDP <c>a=fingerprint</c>.</summary>
    public static DtlsFingerprint FromSdp(SdpFingerprint sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        return Parse(sdp.HashFunction + " " + sdp.Value);
    }

    /// <summary>The SDP form of this fingerprint.</summary>
    public SdpFingerprint ToSdp() => new(HashFunction, HexValue());

    /// <summary>Whether <paramref name="certificateDer"/> hashes to this fingerprint (constant-time compare).</summary>
    public bool Matches(ReadOnlySpan<byte> certificateDer)
    {
        Span<byte> digest = stackalloc byte[64];
        int n = HashFunction switch
        {
            "sha-256" => SHA256.HashData(certificateDer, digest),
            "sha-384" => SHA384.HashData(certificateDer, digest),
            _ => SHA512.HashData(certificateDer, digest),
        };
        return n == _value.Length && CryptographicOperations.FixedTimeEquals(digest[..n], _value);
    }

    /// <summary><c>sha-256 AB:CD:…</c> with upper-case hex, as browsers write it.</summary>
    public override string ToString() => HashFunction + " " + HexValue();

    private string HexValue()
    {
        var sb = new StringBuilder(3 * _value.Length);
        foreach (byte b in _value)
        {
            if (sb.Length > 0)
            {
                sb.Append(':');
            }

            sb.Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static int DigestLength(string hash) => hash switch
    {
        "sha-256" => 32,
        "sha-384" => 48,
        "sha-512" => 64,
        _ => 0,
    };
}
