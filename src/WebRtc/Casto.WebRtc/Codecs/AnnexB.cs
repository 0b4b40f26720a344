// Spec: ITU-T H.264 Annex B (byte stream format: start codes 00 00 01 / 00 00 00 01)
namespace Casto.WebRtc.Codecs;

/// <summary>Splits an Annex-B byte stream into NAL units (without start codes), no copies.</summary>
internal ref struct AnnexBReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads <paramref name="stream"/>; bytes before the first start code are skipped.</summary>
    public AnnexBReader(ReadOnlySpan<byte> stream)
    {
        int start = FindStartCode(stream, out int codeLength);
        _remaining = start < 0 ? default : stream[(start + codeLength)..];
    }

    /// <summary>The next non-empty NAL unit; false at the end.</summary>
    public bool TryReadNext(out ReadOnlySpan<byte> nal)
    {
        while (!_remaining.IsEmpty)
        {
            int next = FindStartCode(_remaining, out int codeLength);
            if (next < 0)
            {
                nal = _remaining;
                _remaining = default;
            }
            else
            {
                nal = _remaining[..next];
                _remaining = _remaining[(next + codeLength)..];
            }

            // Trailing zero bytes belong to the next 4-byte start code (or are trailing_zero_8bits).
            nal = nal.TrimEnd((byte)0);
            if (!nal.IsEmpty)
            {
                return true;
            }
        }

        nal = default;
        return false;
    }

    private static ReadOnlySpan<byte> StartCode => [0, 0, 1];

    private static int FindStartCode(ReadOnlySpan<byte> data, out int length)
    {
        length = StartCode.Length;
        return data.IndexOf(StartCode);
    }
}
