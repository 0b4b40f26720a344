// Spec: https://github.com/multiformats/multiaddr#encoding (per-protocol value transcoders)
using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Casto.Stack.Identity;
using Casto.Stack.Multiformats;

namespace Casto.Stack.Multiaddrs;

/// <summary>Text ⇄ binary conversion of one protocol value. Pure; throws <see cref="MultiaddrFormatException"/>.</summary>
internal static class MultiaddrValue
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes <paramref name="text"/> (with its length prefix for variable-size values).</summary>
    public static void Write(MultiaddrProtocol protocol, ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        switch (protocol.Kind)
        {
            case MultiaddrValueKind.Ip4:
                ParseIp4(text).TryWriteBytes(output.GetSpan(4), out _);
                output.Advance(4);
                return;
            case MultiaddrValueKind.Ip6:
                ParseIp6(text).TryWriteBytes(output.GetSpan(16), out _);
                output.Advance(16);
                return;
            case MultiaddrValueKind.Port:
                BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), ParsePort(protocol, text));
                output.Advance(2);
                return;
            case MultiaddrValueKind.Number64:
                BinaryPrimitives.WriteUInt64BigEndian(output.GetSpan(8), ParseUInt64(protocol, text));
                output.Advance(8);
                return;
            case MultiaddrValueKind.Name:
            case MultiaddrValueKind.Path:
                WritePrefixed(Utf8(protocol, text), output);
                return;
            case MultiaddrValueKind.PeerId:
                var id = text.ToString();
                WritePrefixed(Guard(protocol, () => PeerId.Parse(id).Bytes.ToArray()), output);
                return;
            case MultiaddrValueKind.Multihash:
                var hash = text.ToString();
                WritePrefixed(Guard(protocol, () => Multihash.Parse(Multibase.Decode(hash)).Bytes.ToArray()), output);
                return;
            default:
                throw new MultiaddrFormatException(MultiaddrError.InvalidValue, $"/{protocol.Name} takes no value.");
        }
    }

    /// <summary>Checks a binary value for its protocol.</summary>
    public static void Validate(MultiaddrProtocol protocol, ReadOnlySpan<byte> value)
    {
        switch (protocol.Kind)
        {
            case MultiaddrValueKind.Name or MultiaddrValueKind.Path:
                CheckText(protocol, DecodeUtf8(protocol, value));
                break;
            case MultiaddrValueKind.PeerId:
                var bytes = value.ToArray();
                Guard(protocol, () => PeerId.FromBytes(bytes));
                break;
            case MultiaddrValueKind.Multihash:
                var mh = value.ToArray();
                Guard(protocol, () => Multihash.Parse(mh));
                break;
        }
    }

    /// <summary>The text form of a (validated) binary value.</summary>
    public static string ToText(MultiaddrProtocol protocol, ReadOnlySpan<byte> value) => protocol.Kind switch
    {
        MultiaddrValueKind.Ip4 => new IPAddress(value).ToString(),
        MultiaddrValueKind.Ip6 => Ip6Format.ToText(value),
        MultiaddrValueKind.Port => BinaryPrimitives.ReadUInt16BigEndian(value).ToString(System.Globalization.CultureInfo.InvariantCulture),
        MultiaddrValueKind.Number64 => BinaryPrimitives.ReadUInt64BigEndian(value).ToString(System.Globalization.CultureInfo.InvariantCulture),
        MultiaddrValueKind.Name or MultiaddrValueKind.Path => Encoding.UTF8.GetString(value),
        MultiaddrValueKind.PeerId => Multibase.EncodeRaw(MultibaseEncoding.Base58Btc, value),
        MultiaddrValueKind.Multihash => Multibase.Encode(MultibaseEncoding.Base64Url, value),
        _ => string.Empty,
    };

    /// <summary>Strict dotted-quad: four decimal octets 0–255 without leading zeros.</summary>
    private static IPAddress ParseIp4(ReadOnlySpan<char> text)
    {
        Span<byte> octets = stackalloc byte[4];
        var part = 0;
        foreach (var range in text.Split('.'))
        {
            var digits = text[range];
            if (part == 4 || !TryParseDecimal(digits, 255, out var octet))
            {
                throw Invalid(MultiaddrProtocol.Ip4, text);
            }

            octets[part++] = (byte)octet;
        }

        return part == 4 ? new IPAddress(octets) : throw Invalid(MultiaddrProtocol.Ip4, text);
    }

    private static IPAddress ParseIp6(ReadOnlySpan<char> text)
    {
        // Zones have their own protocol (/ip6zone); brackets, ports and spaces are not part of the value.
        if (text.IndexOfAny("%[] /") >= 0 || !IPAddress.TryParse(text, out var address)
            || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw Invalid(MultiaddrProtocol.Ip6, text);
        }

        return address;
    }

    private static ushort ParsePort(MultiaddrProtocol protocol, ReadOnlySpan<char> text) =>
        TryParseDecimal(text, ushort.MaxValue, out var port) ? (ushort)port : throw Invalid(protocol, text);

    private static ulong ParseUInt64(MultiaddrProtocol protocol, ReadOnlySpan<char> text) =>
        (text.Length == 1 || (text.Length > 1 && text[0] != '0'))
        && ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(protocol, text);

    /// <summary>Plain decimal digits, no sign, no leading zeros, at most <paramref name="max"/>.</summary>
    private static bool TryParseDecimal(ReadOnlySpan<char> text, int max, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 5 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= max;
    }

    private static byte[] Utf8(MultiaddrProtocol protocol, ReadOnlySpan<char> text)
    {
        CheckText(protocol, text);
        try
        {
            return StrictUtf8.GetBytes(text.ToArray());
        }
        catch (EncoderFallbackException ex)
        {
            throw new MultiaddrFormatException(MultiaddrError.InvalidValue, $"/{protocol.Name} value is not valid Unicode.", ex);
        }
    }

    private static string DecodeUtf8(MultiaddrProtocol protocol, ReadOnlySpan<byte> value)
    {
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException ex)
        {
            throw new MultiaddrFormatException(MultiaddrError.InvalidValue, $"/{protocol.Name} value is not valid UTF-8.", ex);
        }
    }

    private static void CheckText(MultiaddrProtocol protocol, ReadOnlySpan<char> text)
    {
        var bad = text.IsEmpty || (protocol.Kind == MultiaddrValueKind.Name && text.Contains('/'));
        if (bad)
        {
            throw Invalid(protocol, text);
        }
    }

    private static void WritePrefixed(ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        VarInt.Write((ulong)value.Length, output);
        output.Write(value);
    }

    private static T Guard<T>(MultiaddrProtocol protocol, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex) when (ex is IdentityException or MultiformatsException)
        {
            throw new MultiaddrFormatException(MultiaddrError.InvalidValue, $"Invalid /{protocol.Name} value: {ex.Message}", ex);
        }
    }

    private static MultiaddrFormatException Invalid(MultiaddrProtocol protocol, ReadOnlySpan<char> text) =>
        new(MultiaddrError.InvalidValue, $"Invalid /{protocol.Name} value '{Truncate(text)}'.");

    private static string Truncate(ReadOnlySpan<char> text) => text.Length <= 64 ? text.ToString() : string.Concat(text[..64], "…");
}
