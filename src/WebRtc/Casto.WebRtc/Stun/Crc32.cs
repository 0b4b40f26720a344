// Spec: https://www.rfc-editor.org/rfc/rfc8489#section-14.7 (CRC-32 as in ISO/IEC 13239 / ITU-T V.42, reflected polynomial 0xEDB88320)
namespace Casto.WebRtc.Stun;

/// <summary>
/// Table-driven CRC-32 (the zlib/Ethernet one) for FINGERPRINT. A checksum, not a crypto primitive;
/// <c>System.IO.Hashing.Crc32</c> is a NuGet package outside the shared framework, hence this copy.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = CreateTable();

    /// <summary>Starting state; pass the result of one <see cref="Append"/> into the next.</summary>
    public const uint Initial = 0xFFFFFFFF;

    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    public static uint Finish(uint state) => ~state;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
