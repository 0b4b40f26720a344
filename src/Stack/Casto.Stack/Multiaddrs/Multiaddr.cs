// Spec: https://github.com/multiformats/multiaddr
using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Casto.Stack.Identity;
using Casto.Stack.Multiformats;

namespace Casto.Stack.Multiaddrs;

/// <summary>
/// A self-describing network address, e.g. <c>/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…</c>.
/// Immutable, with value equality over the binary form.
/// </summary>
/// <remarks>
/// Binary form, one component after another:
/// <code>
/// +----------------+----------------------------+-------------------+
/// | code (uvarint) | [length (uvarint)]         | value             |
/// +----------------+----------------------------+-------------------+
///                    only for variable-size values (dns, p2p, unix, certhash, …)
/// </code>
/// </remarks>
public sealed partial class Multiaddr : IEquatable<Multiaddr>
{
    /// <summary>Largest binary form accepted.</summary>
    public const int MaxByteLength = 1024;

    /// <summary>Largest text form accepted.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Most components accepted in one address.</summary>
    public const int MaxComponents = 32;

    private readonly byte[] _bytes;
    private readonly MultiaddrComponent[] _components;
    private string? _text;

    private Multiaddr(byte[] bytes, MultiaddrComponent[] components)
    {
        _bytes = bytes;
        _components = components;
    }

    /// <summary>The empty address (<c>/</c>).</summary>
    public static Multiaddr Empty { get; } = new([], []);

    /// <summary>The binary form.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The components in order.</summary>
    public IReadOnlyList<MultiaddrComponent> Components => _components;

    /// <summary>True for the empty address.</summary>
    public bool IsEmpty => _components.Length == 0;

    /// <summary>Parses the text form; throws <see cref="MultiaddrFormatException"/> on bad input.</summary>
    public static Multiaddr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxTextLength)
        {
            throw new MultiaddrFormatException(MultiaddrError.TooLarge, $"Multiaddr text exceeds {MaxTextLength} characters.");
        }

        if (text.Length == 0 || text[0] != '/')
        {
            throw new MultiaddrFormatException(MultiaddrError.InvalidSyntax, "A multiaddr must start with '/'.");
        }

        // Trailing slashes are tolerated, as go-multiaddr does ("/" alone is the empty address).
        var rest = text.AsSpan().TrimEnd('/');
        var output = new ArrayBufferWriter<byte>(64);
        while (!rest.IsEmpty)
        {
            var name = NextSegment(ref rest);
            if (name.IsEmpty)
            {
                throw new MultiaddrFormatException(MultiaddrError.InvalidSyntax, "Empty protocol name in multiaddr.");
            }

            if (!MultiaddrProtocol.TryGet(name, out var protocol))
            {
                throw new MultiaddrFormatException(MultiaddrError.UnknownProtocol, $"Unknown multiaddr protocol '{Clip(name)}'.");
            }

            VarInt.Write((ulong)protocol.Code, output);
            if (protocol.Kind == MultiaddrValueKind.None)
            {
                continue;
            }

            // A path takes the rest of the address, keeping its leading '/'; other values one segment.
            var value = protocol.Kind == MultiaddrValueKind.Path && rest.Length > 1 ? rest : NextSegment(ref rest);
            if (protocol.Kind == MultiaddrValueKind.Path)
            {
                rest = [];
            }

            if (value.IsEmpty || value.SequenceEqual("/"))
            {
                throw new MultiaddrFormatException(MultiaddrError.MissingValue, $"/{protocol.Name} needs a value.");
            }

            MultiaddrValue.Write(protocol, value, output);
            if (output.WrittenCount > MaxByteLength)
            {
                throw new MultiaddrFormatException(MultiaddrError.TooLarge, $"Multiaddr exceeds {MaxByteLength} bytes.");
            }
        }

        return FromBytes(output.WrittenSpan);
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Multiaddr? address)
    {
        try
        {
            address = text is null ? null : Parse(text);
        }
        catch (MultiaddrFormatException)
        {
            address = null;
        }

        return address is not null;
    }

    /// <summary>Decodes the binary form; throws <see cref="MultiaddrFormatException"/> on bad input.</summary>
    public static Multiaddr FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxByteLength)
        {
            throw new MultiaddrFormatException(MultiaddrError.TooLarge, $"Multiaddr exceeds {MaxByteLength} bytes.");
        }

        if (bytes.IsEmpty)
        {
            return Empty;
        }

        var copy = bytes.ToArray();
        var components = new List<MultiaddrComponent>();
        var offset = 0;
        while (offset < copy.Length)
        {
            if (components.Count == MaxComponents)
            {
                throw new MultiaddrFormatException(MultiaddrError.TooLarge, $"Multiaddr has more than {MaxComponents} components.");
            }

            var start = offset;
            var protocol = ReadProtocol(copy.AsSpan(offset), ref offset);
            var size = protocol.FixedSize;
            if (size < 0)
            {
                size = ReadLength(copy.AsSpan(offset), ref offset);
            }

            if (copy.Length - offset < size)
            {
                throw new MultiaddrFormatException(MultiaddrError.Truncated, $"/{protocol.Name} value is truncated.");
            }

            var value = new ReadOnlyMemory<byte>(copy, offset, size);
            MultiaddrValue.Validate(protocol, value.Span);
            offset += size;
            components.Add(new MultiaddrComponent(protocol, value, new ReadOnlyMemory<byte>(copy, start, offset - start)));
        }

        return new Multiaddr(copy, [.. components]);
    }

    /// <summary>The text form, e.g. <c>/ip4/127.0.0.1/tcp/4001</c> (<c>/</c> when empty).</summary>
    public override string ToString()
    {
        if (_text is not null)
        {
            return _text;
        }

        if (_components.Length == 0)
        {
            return _text = "/";
        }

        var sb = new StringBuilder();
        foreach (var component in _components)
        {
            sb.Append('/').Append(component.Protocol.Name);
            if (component.Protocol.Kind == MultiaddrValueKind.Path)
            {
                var path = component.Value;
                sb.Append(path.StartsWith('/') ? path : "/" + path);
            }
            else if (component.Protocol.Kind != MultiaddrValueKind.None)
            {
                sb.Append('/').Append(component.Value);
            }
        }

        return _text = sb.ToString();
    }

    private static MultiaddrProtocol ReadProtocol(ReadOnlySpan<byte> span, ref int offset)
    {
        var code = Read(span, ref offset, "protocol code");
        if (code > int.MaxValue || !MultiaddrProtocol.TryGet((int)code, out var protocol))
        {
            throw new MultiaddrFormatException(MultiaddrError.UnknownProtocol, $"Unknown multiaddr protocol code 0x{code:x}.");
        }

        return protocol;
    }

    private static int ReadLength(ReadOnlySpan<byte> span, ref int offset)
    {
        var length = Read(span, ref offset, "value length");
        return length > MaxByteLength
            ? throw new MultiaddrFormatException(MultiaddrError.TooLarge, "Multiaddr value length is too large.")
            : (int)length;
    }

    private static ulong Read(ReadOnlySpan<byte> span, ref int offset, string what)
    {
        try
        {
            var value = VarInt.Read(span, out var consumed);
            offset += consumed;
            return value;
        }
        catch (MultiformatsException ex)
        {
            throw new MultiaddrFormatException(
                ex.Error == MultiformatsError.Truncated ? MultiaddrError.Truncated : MultiaddrError.InvalidSyntax,
                $"Invalid multiaddr {what}: {ex.Message}", ex);
        }
    }

    /// <summary>Splits "/segment/rest" into "segment" and "/rest".</summary>
    private static ReadOnlySpan<char> NextSegment(ref ReadOnlySpan<char> rest)
    {
        if (rest.IsEmpty)
        {
            return [];
        }

        rest = rest[1..]; // the leading '/'
        var end = rest.IndexOf('/');
        var segment = end < 0 ? rest : rest[..end];
        rest = end < 0 ? [] : rest[end..];
        return segment;
    }

    private static string Clip(ReadOnlySpan<char> text) => text.Length <= 64 ? text.ToString() : string.Concat(text[..64], "…");
}
