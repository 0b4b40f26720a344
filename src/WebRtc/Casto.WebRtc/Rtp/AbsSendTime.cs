// Spec: https://webrtc.googlesource.com/src/+/refs/heads/main/docs/native-code/rtp-hdrext/abs-send-time/README.md
using System.Buffers.Binary;

namespace Casto.WebRtc.Rtp;

/// <summary>
/// abs-send-time header extension: 3 bytes, 24-bit unsigned 6.18 fixed-point seconds (wraps every 64 s),
/// the middle 24 bits of the 64-bit NTP send time:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ID   | len=2 |              absolute send time               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal static class AbsSendTime
{
    /// <summary>SDP extmap URI.</summary>
    public const string Uri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

    /// <summary>Encoded size.</summary>
    public const int Size = 3;

    /// <summary>The value for a 64-bit NTP timestamp (32.32): bits 14–37.</summary>
    public static uint FromNtp(ulong ntp) => (uint)(ntp >> 14) & 0xFFFFFF;

    /// <summary>The value for a time offset (e.g. since an epoch): seconds mod 64 in 6.18 fixed point.</summary>
    public static uint FromTimeSpan(TimeSpan time) => (uint)(((UInt128)(ulong)time.Ticks << 18) / TimeSpan.TicksPerSecond) & 0xFFFFFF;

    /// <summary>Converts a value (or a difference of values) to a time in [0, 64 s).</summary>
    public static TimeSpan ToTimeSpan(uint value) => TimeSpan.FromTicks((long)(((ulong)(value & 0xFFFFFF) * TimeSpan.TicksPerSecond) >> 18));

    /// <summary>Forward distance from <paramref name="earlier"/> to <paramref name="later"/> modulo 64 s.</summary>
    public static uint Delta(uint later, uint earlier) => (later - earlier) & 0xFFFFFF;

    /// <summary>Reads a 3-byte value; false unless <paramref name="value"/> is exactly 3 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out uint time)
    {
        if (value.Length != Size)
        {
            time = 0;
            return false;
        }

        time = (uint)((value[0] << 16) | (value[1] << 8) | value[2]);
        return true;
    }

    /// <summary>Writes the 3 bytes; returns 3.</summary>
    public static int Write(uint time, Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new RtpException(RtpError.BufferTooSmall, "abs-send-time needs 3 bytes.");
        }

        destination[0] = (byte)(time >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)time);
        return Size;
    }
}
