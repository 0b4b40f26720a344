namespace Casto.Discovery.Mdns;

/// <summary>
/// A responder on both IPv4 and IPv6 sends each message twice, once per family. This drops a datagram that repeats,
/// byte for byte, the last one received on the other family within <see cref="Window"/>, so one message is handled once.
/// No allocation per packet: the last datagram of each family is kept in a fixed buffer.
/// </summary>
internal sealed class DualStackDuplicates(int maxSize)
{
    /// <summary>How close in time the two copies must be.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly byte[][] _last = [new byte[maxSize], new byte[maxSize]];
    private readonly int[] _length = new int[2];
    private readonly long[] _at = [long.MinValue, long.MinValue];

    /// <summary>Records <paramref name="packet"/> as the last one of <paramref name="family"/> (0 = IPv4, 1 = IPv6); true if it is the other family's copy.</summary>
    public bool IsDuplicate(int family, ReadOnlySpan<byte> packet)
    {
        var now = Environment.TickCount64;
        lock (_lock)
        {
            var other = 1 - family;
            var duplicate = now - _at[other] <= (long)Window.TotalMilliseconds
                && packet.SequenceEqual(_last[other].AsSpan(0, _length[other]));
            if (packet.Length <= _last[family].Length)
            {
                packet.CopyTo(_last[family]);
                _length[family] = packet.Length;
                _at[family] = now;
            }

            if (duplicate)
            {
                _at[other] = long.MinValue;
            }

            return duplicate;
        }
    }
}
