// Spec: https://github.com/multiformats/multibase (multibase.csv for the prefixes)
using System.Buffers.Text;

namespace Casto.Stack.Multiformats;

/// <summary>The multibase encodings Casto reads and writes; the value is the prefix character.</summary>
public enum MultibaseEncoding
{
    /// <summary>Lowercase hexadecimal, prefix 'f'.</summary>
    Base16 = 'f',
    /// <summary>Uppercase hexadecimal, prefix 'F'.</summary>
    Base16Upper = 'F',
    /// <summary>RFC 4648 base32, lowercase, no padding, prefix 'b' (CIDv1 default).</summary>
    Base32 = 'b',
    /// <summary>RFC 4648 base32, uppercase, no padding, prefix 'B'.</summary>
    Base32Upper = 'B',
    /// <summary>Base36 lowercase, prefix 'k'.</summary>
    Base36 = 'k',
    /// <summary>Base36 uppercase, prefix 'K'.</summary>
    Base36Upper = 'K',
    /// <summary>Bitcoin base58, prefix 'z'.</summary>
    Base58Btc = 'z',
    /// <summary>RFC 4648 base64, no padding, prefix 'm'.</summary>
    Base64 = 'm',
    /// <summary>RFC 4648 base64url, no padding, prefix 'u'.</summary>
    Base64Url = 'u',
}

/// <summary>Self-describing base encodings: a one-character prefix names the encoding.</summary>
public static class Multibase
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Encodes <paramref name="data"/> with its prefix.</summary>
    public static string Encode(MultibaseEncoding encoding, ReadOnlySpan<byte> data) =>
        (char)encoding + EncodeRaw(encoding, data);

    /// <summary>Decodes a prefixed text; throws <see cref="MultiformatsException"/> on bad input.</summary>
    public static byte[] Decode(ReadOnlySpan<char> text) => Decode(text, out _);

    /// <summary>Decodes a prefixed text and reports which encoding it used.</summary>
    public static byte[] Decode(ReadOnlySpan<char> text, out MultibaseEncoding encoding)
    {
        if (text.IsEmpty)
        {
            throw new MultiformatsException(MultiformatsError.Truncated, "Multibase text is empty.");
        }

        encoding = (MultibaseEncoding)text[0];
        if (!Enum.IsDefined(encoding))
        {
            throw new MultiformatsException(MultiformatsError.UnknownMultibase, $"Unsupported multibase prefix '{text[0]}'.");
        }

        return DecodeRaw(encoding, text[1..]);
    }

    /// <summary>Encodes without the prefix.</summary>
    public static string EncodeRaw(MultibaseEncoding encoding, ReadOnlySpan<byte> data) => encoding switch
    {
        MultibaseEncoding.Base16 => Convert.ToHexStringLower(data),
        MultibaseEncoding.Base16Upper => Convert.ToHexString(data),
        MultibaseEncoding.Base32 => Base32.Encode(data, upper: false),
        MultibaseEncoding.Base32Upper => Base32.Encode(data, upper: true),
        MultibaseEncoding.Base36 => BaseX.Base36Lower.Encode(data),
        MultibaseEncoding.Base36Upper => BaseX.Base36Upper.Encode(data),
        MultibaseEncoding.Base58Btc => BaseX.Base58Btc.Encode(data),
        MultibaseEncoding.Base64 => Convert.ToBase64String(data).TrimEnd('='),
        MultibaseEncoding.Base64Url => Base64Url.EncodeToString(data),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    /// <summary>Decodes text without the prefix.</summary>
    public static byte[] DecodeRaw(MultibaseEncoding encoding, ReadOnlySpan<char> text)
    {
        switch (encoding)
        {
            case MultibaseEncoding.Base16:
            case MultibaseEncoding.Base16Upper:
                return DecodeHex(text);
            case MultibaseEncoding.Base32:
            case MultibaseEncoding.Base32Upper:
                return Base32.Decode(text);
            case MultibaseEncoding.Base36:
                return BaseX.Base36Lower.Decode(text);
            case MultibaseEncoding.Base36Upper:
                return BaseX.Base36Upper.Decode(text);
            case MultibaseEncoding.Base58Btc:
                return BaseX.Base58Btc.Decode(text);
            case MultibaseEncoding.Base64:
            case MultibaseEncoding.Base64Url:
                return DecodeBase64(text, url: encoding == MultibaseEncoding.Base64Url);
            default:
                throw new MultiformatsException(MultiformatsError.UnknownMultibase, $"Unsupported multibase encoding {encoding}.");
        }
    }

    /// <summary>Case-insensitive, as the multibase spec requires for base16.</summary>
    private static byte[] DecodeHex(ReadOnlySpan<char> text)
    {
        if (text.ContainsAnyExcept(HexDigits))
        {
            throw new MultiformatsException(MultiformatsError.InvalidCharacter, "Invalid base16 character.");
        }

        if (text.Length % 2 != 0)
        {
            throw new MultiformatsException(MultiformatsError.InvalidCharacter, "Base16 text has an odd length.");
        }

        return Convert.FromHexString(text);
    }

    private static byte[] DecodeBase64(ReadOnlySpan<char> text, bool url)
    {
        // Multibase base64 variants carry no padding; '=' and the other variant's characters are rejected.
        if (text.Length % 4 == 1)
        {
            throw new MultiformatsException(MultiformatsError.InvalidCharacter, "Invalid base64 length.");
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || (url ? c is '-' or '_' : c is '+' or '/')))
            {
                throw new MultiformatsException(MultiformatsError.InvalidCharacter, "Invalid base64 character.");
            }
        }

        Span<char> mapped = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        text.CopyTo(mapped);
        if (!url)
        {
            mapped.Replace('+', '-');
            mapped.Replace('/', '_');
        }

        var result = new byte[Base64Url.GetMaxDecodedLength(mapped.Length)];
        int written;
        try
        {
            if (!Base64Url.TryDecodeFromChars(mapped, result, out written))
            {
                throw new MultiformatsException(MultiformatsError.InvalidCharacter, "Invalid base64 text.");
            }
        }
        catch (FormatException ex) when (ex is not MultiformatsException)
        {
            throw new MultiformatsException(MultiformatsError.InvalidCharacter, "Invalid base64 text.", ex);
        }

        return written == result.Length ? result : result[..written];
    }
}
