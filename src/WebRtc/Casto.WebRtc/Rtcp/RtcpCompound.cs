namespace Casto.WebRtc.Rtcp;

/// <summary>One packet of a compound: its header, the whole packet bytes and the body after the header (padding removed).</summary>
internal readonly ref struct RtcpPacket
{
    /// <summary>Creates the view.</summary>
    public RtcpPacket(RtcpHeader header, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> body)
    {
        Header = header;
        Packet = packet;
        Body = body;
    }

    /// <summary>The common header.</summary>
    public RtcpHeader Header { get; }

    /// <summary>The packet bytes including header and padding; pass to the typed <c>TryRead</c> methods.</summary>
    public ReadOnlySpan<byte> Packet { get; }

    /// <summary>Bytes after the 4-byte header, padding removed.</summary>
    public ReadOnlySpan<byte> Body { get; }
}

/// <summary>
/// Iterates the packets of a compound RTCP datagram (RFC 3550 §6.1) without allocating. Stops at the first
/// malformed packet (bad version, length past the end, bad padding) and sets <see cref="IsMalformed"/>;
/// every packet consumes at least 4 bytes so iteration is bounded by the datagram length.
/// </summary>
internal ref struct RtcpCompoundReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads <paramref name="datagram"/>.</summary>
    public RtcpCompoundReader(ReadOnlySpan<byte> datagram)
    {
        _remaining = datagram;
        IsMalformed = datagram.IsEmpty;
    }

    /// <summary>True when iteration stopped at malformed bytes (or the datagram was empty).</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>The next packet; false at the end or on malformed input.</summary>
    public bool TryReadNext(out RtcpPacket packet)
    {
        if (_remaining.IsEmpty)
        {
            packet = default;
            return false;
        }

        if (!RtcpHeader.TryReadPacket(_remaining, out RtcpHeader header, out ReadOnlySpan<byte> body, out int size))
        {
            IsMalformed = true;
            _remaining = default;
            packet = default;
            return false;
        }

        packet = new RtcpPacket(header, _remaining[..size], body);
        _remaining = _remaining[size..];
        return true;
    }

    /// <summary>Supports <c>foreach</c>; check <see cref="IsMalformed"/> on the reader afterwards only when using <see cref="TryReadNext"/>.</summary>
    public readonly RtcpCompoundReader GetEnumerator() => this;

    /// <summary>The packet at the enumerator's position.</summary>
    public RtcpPacket Current { get; private set; }

    /// <summary>Advances the enumerator.</summary>
    public bool MoveNext()
    {
        bool more = TryReadNext(out RtcpPacket packet);
        Current = packet;
        return more;
    }

    /// <summary>True when <paramref name="datagram"/> is a non-empty sequence of well-formed RTCP packets filling it exactly.</summary>
    public static bool IsValid(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        while (reader.TryReadNext(out _))
        {
        }

        return !reader.IsMalformed;
    }
}
