// Spec: https://datatracker.ietf.org/doc/html/draft-msporny-base58-03 (base58btc); base36 uses the same
// big-number conversion with the alphabet 0-9a-z.
namespace Casto.Stack.Multiformats;

/// <summary>
/// Base conversion for alphabets whose size is not a power of two (base58btc, base36).
/// Leading zero bytes map to leading "zero" characters. Quadratic, so input length is bounded.
/// </summary>
internal sealed class BaseX
{
    /// <summary>Longest text or byte input accepted (bounds the quadratic conversion).</summary>
    public const int MaxLength = 4096;

    public static readonly BaseX Base58Btc = new("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");
    // Multibase decodes base36 case-insensitively; the prefix only picks the output case.
    public static readonly BaseX Base36Lower = new("0123456789abcdefghijklmnopqrstuvwxyz", caseInsensitive: true);
    public static readonly BaseX Base36Upper = new("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", caseInsensitive: true);

    private readonly string _alphabet;
    private readonly sbyte[] _map = new sbyte[128];
    private readonly double _bitsPerChar;

    private BaseX(string alphabet, bool caseInsensitive = false)
    {
        _alphabet = alphabet;
        Array.Fill(_map, (sbyte)-1);
        for (var i = 0; i < alphabet.Length; i++)
        {
            _map[alphabet[i]] = (sbyte)i;
            if (caseInsensitive)
            {
                _map[char.ToLowerInvariant(alphabet[i])] = (sbyte)i;
                _map[char.ToUpperInvariant(alphabet[i])] = (sbyte)i;
            }
        }

        _bitsPerChar = Math.Log2(alphabet.Length);
    }

    public string Encode(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxLength)
        {
            throw new MultiformatsException(MultiformatsError.TooLarge, $"Input exceeds {MaxLength} bytes.");
        }

        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        var size = (int)((data.Length - zeros) * 8 / _bitsPerChar) + 1;
        Span<byte> digits = size <= 1024 ? stackalloc byte[size] : new byte[size];
        digits.Clear();
        var length = 0;
        var radix = _alphabet.Length;
        for (var i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            var j = 0;
            for (var k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += 256 * digits[k];
                digits[k] = (byte)(carry % radix);
                carry /= radix;
            }

            length = j;
        }

        var start = size - length;
        while (start < size && digits[start] == 0)
        {
            start++;
        }

        return Build(digits[start..], zeros);
    }

    private string Build(ReadOnlySpan<byte> digits, int zeros)
    {
        var chars = new char[zeros + digits.Length];
        chars.AsSpan(0, zeros).Fill(_alphabet[0]);
        for (var i = 0; i < digits.Length; i++)
        {
            chars[zeros + i] = _alphabet[digits[i]];
        }

        return new string(chars);
    }

    public byte[] Decode(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxLength)
        {
            throw new MultiformatsException(MultiformatsError.TooLarge, $"Text exceeds {MaxLength} characters.");
        }

        var zeros = 0;
        while (zeros < text.Length && text[zeros] == _alphabet[0])
        {
            zeros++;
        }

        var size = (int)((text.Length - zeros) * _bitsPerChar / 8) + 1;
        Span<byte> bytes = size <= 1024 ? stackalloc byte[size] : new byte[size];
        bytes.Clear();
        var length = 0;
        var radix = _alphabet.Length;
        for (var i = zeros; i < text.Length; i++)
        {
            var c = text[i];
            var carry = c < 128 ? _map[c] : -1;
            if (carry < 0)
            {
                throw new MultiformatsException(MultiformatsError.InvalidCharacter, $"Invalid character at position {i}.");
            }

            var j = 0;
            for (var k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += radix * bytes[k];
                bytes[k] = (byte)(carry & 0xFF);
                carry >>= 8;
            }

            length = j;
        }

        var start = size - length;
        while (start < size && bytes[start] == 0)
        {
            start++;
        }

        var result = new byte[zeros + size - start];
        bytes[start..].CopyTo(result.AsSpan(zeros));
        return result;
    }
}
