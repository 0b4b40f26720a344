namespace Casto.WebRtc.Ice;

/// <summary>Drop and error counters of one agent; updated with <see cref="Interlocked"/>, read at any time.</summary>
internal sealed class IceCounters
{
    internal long _malformedStun;
    internal long _unauthenticatedStun;
    internal long _unknownDatagrams;
    internal long _unvalidatedSource;
    internal long _queueFull;
    internal long _forwarded;
    internal long _gatherFailures;

    /// <summary>STUN-looking datagrams that failed to parse or failed FINGERPRINT.</summary>
    public long MalformedStun => Interlocked.Read(ref _malformedStun);

    /// <summary>Checks with a wrong USERNAME or MESSAGE-INTEGRITY, and responses that match no transaction or fail integrity.</summary>
    public long UnauthenticatedStun => Interlocked.Read(ref _unauthenticatedStun);

    /// <summary>Datagrams whose first byte is in no RFC 9443 range we forward.</summary>
    public long UnknownDatagrams => Interlocked.Read(ref _unknownDatagrams);

    /// <summary>Non-STUN datagrams from a source that is not a validated remote candidate.</summary>
    public long UnvalidatedSource => Interlocked.Read(ref _unvalidatedSource);

    /// <summary>Non-STUN datagrams dropped because the receive queue was full.</summary>
    public long QueueFull => Interlocked.Read(ref _queueFull);

    /// <summary>Non-STUN datagrams handed to the consumer.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>STUN servers that did not answer and TURN allocations that failed while gathering.</summary>
    public long GatherFailures => Interlocked.Read(ref _gatherFailures);
}
