using System.Globalization;

namespace Casto.WebRtc.Sdp;

/// <summary>Small parsing helpers; every failure is an <see cref="SdpException"/>.</summary>
internal static class SdpText
{
    public static int Int(string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new SdpException(SdpError.InvalidValue, $"Expected a number in {min}..{max}, got '{Excerpt(text)}'.");
        }

        return value;
    }

    public static uint UInt(string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new SdpException(SdpError.InvalidValue, $"Expected a 32-bit number, got '{Excerpt(text)}'.");

    public static ulong ULong(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new SdpException(SdpError.InvalidValue, $"Expected a number, got '{Excerpt(text)}'.");

    /// <summary>A non-empty run of visible ASCII without spaces.</summary>
    public static string Token(string text)
    {
        if (text.Length == 0 || text.Any(c => c <= ' ' || c > '~'))
        {
            throw new SdpException(SdpError.InvalidValue, $"Expected a token, got '{Excerpt(text)}'.");
        }

        return text;
    }

    /// <summary>Splits on single spaces into exactly <paramref name="count"/> fields (the last takes the rest when <paramref name="restInLast"/>).</summary>
    public static string[] Fields(string text, int count, bool restInLast = false)
    {
        var fields = text.Split(' ', restInLast ? count : int.MaxValue, StringSplitOptions.None);
        if (fields.Length != count || fields.Take(restInLast ? count - 1 : count).Any(f => f.Length == 0))
        {
            throw new SdpException(SdpError.InvalidValue, $"Expected {count} fields in '{Excerpt(text)}'.");
        }

        return fields;
    }

    public static string Excerpt(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
