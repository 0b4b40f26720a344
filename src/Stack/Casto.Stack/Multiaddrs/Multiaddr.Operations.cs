using Casto.Stack.Identity;

namespace Casto.Stack.Multiaddrs;

/// <content>Encapsulation, peer ids and equality.</content>
public sealed partial class Multiaddr
{
    /// <summary>Appends <paramref name="inner"/>: <c>/ip4/1.2.3.4/tcp/1</c> + <c>/ws</c> = <c>/ip4/1.2.3.4/tcp/1/ws</c>.</summary>
    public Multiaddr Encapsulate(Multiaddr inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner.IsEmpty ? this : IsEmpty ? inner : FromBytes([.. _bytes, .. inner._bytes]);
    }

    /// <summary>Appends the parsed <paramref name="inner"/>.</summary>
    public Multiaddr Encapsulate(string inner) => Encapsulate(Parse(inner));

    /// <summary>
    /// Removes the last occurrence of <paramref name="outer"/> and everything after it, matching whole
    /// components; returns this address unchanged when <paramref name="outer"/> does not occur.
    /// </summary>
    public Multiaddr Decapsulate(Multiaddr outer)
    {
        ArgumentNullException.ThrowIfNull(outer);
        var n = outer._components.Length;
        if (n == 0)
        {
            return this;
        }

        for (var start = _components.Length - n; start >= 0; start--)
        {
            if (_components.AsSpan(start, n).SequenceEqual(outer._components))
            {
                return Take(start);
            }
        }

        return this;
    }

    /// <summary>Removes the parsed <paramref name="outer"/>; see <see cref="Decapsulate(Multiaddr)"/>.</summary>
    public Multiaddr Decapsulate(string outer) => Decapsulate(Parse(outer));

    /// <summary>Removes the last component of <paramref name="protocol"/> and everything after it.</summary>
    public Multiaddr Decapsulate(MultiaddrProtocol protocol)
    {
        for (var i = _components.Length - 1; i >= 0; i--)
        {
            if (_components[i].Protocol == protocol)
            {
                return Take(i);
            }
        }

        return this;
    }

    /// <summary>The peer id of the last <c>/p2p</c> component, or null.</summary>
    public PeerId? PeerId
    {
        get
        {
            for (var i = _components.Length - 1; i >= 0; i--)
            {
                if (_components[i].Protocol == MultiaddrProtocol.P2p)
                {
                    return Identity.PeerId.FromBytes(_components[i].RawValue.Span);
                }
            }

            return null;
        }
    }

    /// <summary>This address with a trailing <c>/p2p/&lt;id&gt;</c> (unchanged if it already ends with it).</summary>
    public Multiaddr WithPeerId(PeerId peerId)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        return PeerId == peerId && _components[^1].Protocol == MultiaddrProtocol.P2p ? this : Encapsulate("/p2p/" + peerId);
    }

    /// <summary>The first component of <paramref name="protocol"/>'s value as text, or null.</summary>
    public string? ValueOf(MultiaddrProtocol protocol)
    {
        foreach (var component in _components)
        {
            if (component.Protocol == protocol)
            {
                return component.Value;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public bool Equals(Multiaddr? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Multiaddr);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Multiaddr? left, Multiaddr? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Multiaddr? left, Multiaddr? right) => !(left == right);

    private Multiaddr Take(int count)
    {
        var end = 0;
        for (var i = 0; i < count; i++)
        {
            end += _components[i].Encoded.Length;
        }

        return FromBytes(_bytes.AsSpan(0, end));
    }
}
