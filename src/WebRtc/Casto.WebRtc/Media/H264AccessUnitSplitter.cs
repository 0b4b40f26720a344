// Spec: ITU-T H.264 §7.4.1.2.3 (order of NAL units and coded pictures, detection of the first VCL NAL unit of a
// primary coded picture), §7.3.3 (slice header: first_mb_in_slice is the first ue(v) after the NAL header)
namespace Casto.WebRtc.Media;

/// <summary>
/// Finds access unit boundaries in an Annex-B byte stream. Heuristic (enough for camera/encoder output, not for
/// arbitrary-slice-order or multi-slice-group streams): after the first VCL NAL unit (types 1-5) of an access unit,
/// a new one starts at
/// <list type="bullet">
/// <item>an access unit delimiter (9);</item>
/// <item>an SEI, SPS, PPS or type 14-18 NAL unit (these only precede the first VCL NAL unit of a picture);</item>
/// <item>a VCL NAL unit of type 1 or 5 with first_mb_in_slice == 0 (its ue(v) code is a single 1 bit, so the
/// byte after the NAL header has its top bit set).</item>
/// </list>
/// A delimiter that starts the stream begins the first access unit. Access units keep their start codes.
/// </summary>
internal static class H264AccessUnitSplitter
{
    private static ReadOnlySpan<byte> StartCode => [0, 0, 1];

    /// <summary>
    /// Finds the first access unit in <paramref name="data"/> (bytes before the first start code are skipped):
    /// it spans <paramref name="start"/>..<paramref name="start"/>+<paramref name="length"/>. False when there is
    /// no start code, or when the boundary is not yet visible and <paramref name="isFinal"/> is false; when it is
    /// true the last access unit runs to the end of <paramref name="data"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, bool isFinal, out int start, out int length)
    {
        start = 0;
        length = 0;
        int nal = FindNal(data, 0, out start);
        if (nal < 0)
        {
            return false;
        }

        bool seenVcl = false;
        bool first = true;
        int codeStart = start;
        while (nal + 2 <= data.Length)
        {
            if (!first && StartsAccessUnit(data[nal], data[nal + 1], seenVcl))
            {
                length = codeStart - start;
                return true;
            }

            first = false;
            seenVcl |= (data[nal] & 0x1F) is >= 1 and <= 5;
            nal = FindNal(data, nal, out codeStart);
            if (nal < 0)
            {
                break;
            }
        }

        if (!isFinal)
        {
            return false;
        }

        length = data.Length - start;
        return true;
    }

    private static bool StartsAccessUnit(byte header, byte next, bool seenVcl)
    {
        int type = header & 0x1F;
        return type == 9
            || (seenVcl && (type is 6 or 7 or 8 or (>= 14 and <= 18) || (type is 1 or 5 && (next & 0x80) != 0)));
    }

    /// <summary>Index of the NAL unit after the next start code at or after <paramref name="from"/>; its start code (with a leading zero of a 4-byte code) begins at <paramref name="codeStart"/>.</summary>
    private static int FindNal(ReadOnlySpan<byte> data, int from, out int codeStart)
    {
        int index = data[from..].IndexOf(StartCode);
        if (index < 0)
        {
            codeStart = -1;
            return -1;
        }

        codeStart = from + index;
        int nal = codeStart + 3;
        if (codeStart > from && data[codeStart - 1] == 0)
        {
            codeStart--;
        }

        return nal;
    }
}
