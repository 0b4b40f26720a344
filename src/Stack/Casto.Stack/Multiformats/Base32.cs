// Spec: https://datatracker.ietf.org/doc/html/rfc4648#section-6 (without padding, as multibase 'b'/'B')
namespace Casto.Stack.Multiformats;

/// <summary>RFC 4648 base32 without padding, lower or upper case.</summary>
internal static class Base32
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz234567";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data, bool upper)
    {
        var alphabet = upper ? Upper : Lower;
        var chars = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, n = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[n++] = alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            chars[n++] = alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, n);
    }

    /// <summary>Decodes case-insensitively, as the multibase spec requires for base32.</summary>
    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        // 1, 3 and 6 trailing characters cannot come from whole bytes.
        if ((text.Length % 8) is 1 or 3 or 6)
        {
            throw new MultiformatsException(MultiformatsError.InvalidCharacter, "Invalid base32 length.");
        }

        var result = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var value = Value(text[i]);
            if (value < 0)
            {
                throw new MultiformatsException(MultiformatsError.InvalidCharacter, $"Invalid base32 character at position {i}.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                result[n++] = (byte)(buffer >> bits);
            }
        }

        return result;
    }

    private static int Value(char c) => c switch
    {
        >= 'a' and <= 'z' => c - 'a',
        >= 'A' and <= 'Z' => c - 'A',
        >= '2' and <= '7' => c - '2' + 26,
        _ => -1,
    };
}
