namespace Casto.WebRtc.Tests;

/// <summary>Reads test vectors under Vectors/ ('#' starts a comment line).</summary>
internal static class Vectors
{
    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", relativePath));

    /// <summary>Hex with spaces and line breaks, as RFCs print it.</summary>
    public static byte[] Hex(string relativePath)
    {
        var digits = string.Concat(File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Vectors", relativePath))
            .Where(l => !l.StartsWith('#'))
            .SelectMany(l => l.Where(Uri.IsHexDigit)));
        return Convert.FromHexString(digits);
    }
}
