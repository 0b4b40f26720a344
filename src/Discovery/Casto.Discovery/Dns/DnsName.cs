// Spec: https://www.rfc-editor.org/rfc/rfc1035#section-3.1 (names), RFC 6763 §4.3 (instance names may hold dots)
using System.Text;

namespace Casto.Discovery.Dns;

/// <summary>
/// Names as text: labels joined by '.', no trailing dot, "" for the root. A '.' or '\' inside a label is
/// escaped with '\'. Labels are UTF-8 (RFC 6762 §16), at most 63 bytes; names at most 255 bytes on the wire.
/// </summary>
internal static class DnsName
{
    public const int MaxLabelLength = 63;
    public const int MaxWireLength = 255;

    public static void AppendLabel(StringBuilder builder, ReadOnlySpan<byte> label)
    {
        var text = Encoding.UTF8.GetString(label);
        foreach (var c in text)
        {
            if (c is '.' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }
    }

    /// <summary>Splits a name into UTF-8 labels, checking label and name lengths.</summary>
    public static List<byte[]> Split(string name)
    {
        var labels = new List<byte[]>();
        if (name.EndsWith('.') && !name.EndsWith("\\.", StringComparison.Ordinal))
        {
            name = name[..^1];
        }

        var current = new StringBuilder();
        var wire = 1;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && name[i] == '\\' && i + 1 < name.Length)
            {
                current.Append(name[++i]);
                continue;
            }

            if (i < name.Length && name[i] != '.')
            {
                current.Append(name[i]);
                continue;
            }

            if (current.Length == 0 && i == name.Length && labels.Count == 0)
            {
                break;
            }

            var bytes = Encoding.UTF8.GetBytes(current.ToString());
            if (bytes.Length is 0 or > MaxLabelLength)
            {
                throw new DnsException(DnsError.InvalidLabel, $"label of {bytes.Length} bytes in \"{name}\"");
            }

            wire += bytes.Length + 1;
            if (wire > MaxWireLength)
            {
                throw new DnsException(DnsError.NameTooLong, $"name \"{name}\" is longer than 255 bytes");
            }

            labels.Add(bytes);
            current.Clear();
        }

        return labels;
    }
}
