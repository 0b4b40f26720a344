namespace Casto.Stack.Multiaddrs;

/// <summary>One <c>/protocol[/value]</c> part of a <see cref="Multiaddr"/>.</summary>
public readonly struct MultiaddrComponent : IEquatable<MultiaddrComponent>
{
    internal MultiaddrComponent(MultiaddrProtocol protocol, ReadOnlyMemory<byte> rawValue, ReadOnlyMemory<byte> encoded)
    {
        Protocol = protocol;
        RawValue = rawValue;
        Encoded = encoded;
    }

    /// <summary>The protocol.</summary>
    public MultiaddrProtocol Protocol { get; }

    /// <summary>The binary value (without a length prefix); empty for protocols without a value.</summary>
    public ReadOnlyMemory<byte> RawValue { get; }

    /// <summary>The whole binary component: code, optional length, value.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    /// <summary>The value as text (empty for protocols without a value).</summary>
    public string Value => MultiaddrValue.ToText(Protocol, RawValue.Span);

    /// <inheritdoc/>
    public bool Equals(MultiaddrComponent other) => Encoded.Span.SequenceEqual(other.Encoded.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MultiaddrComponent other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Encoded.Span);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => Protocol.Kind == MultiaddrValueKind.None ? "/" + Protocol.Name : $"/{Protocol.Name}/{Value}";

    /// <summary>Value equality.</summary>
    public static bool operator ==(MultiaddrComponent left, MultiaddrComponent right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(MultiaddrComponent left, MultiaddrComponent right) => !left.Equals(right);
}
