// Spec: https://www.rfc-editor.org/rfc/rfc6386#section-9.1 (VP8 frame tag, key frame start code and dimensions)
using System.Buffers.Binary;

namespace Casto.LoadGen;

/// <summary>
/// Synthetic VP8 frames of a fixed size: a valid 3-byte frame tag (key frame every <c>keyframeInterval</c> frames
/// or when asked, with the start code 9d 01 2a and 1280×720), the rest random filler. One buffer, reused.
/// </summary>
internal sealed class SyntheticVp8
{
    private const int Width = 1280;
    private const int Height = 720;
    private readonly byte[] _frame;
    private readonly int _keyframeInterval;
    private readonly Random _random = new(7741);
    private long _index;

    public SyntheticVp8(int frameBytes, int keyframeInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameBytes, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyframeInterval, 1);
        _frame = new byte[frameBytes];
        _keyframeInterval = keyframeInterval;
    }

    public long Keyframes { get; private set; }

    /// <summary>The next frame (valid until the next call); a key frame on schedule or when <paramref name="forceKeyframe"/>.</summary>
    public ReadOnlySpan<byte> Next(bool forceKeyframe)
    {
        bool key = forceKeyframe || _index % _keyframeInterval == 0;
        _index++;
        _random.NextBytes(_frame);

        // Frame tag (little-endian, 24 bits): bit 0 = 0 for a key frame, bits 1-3 version 0, bit 4 show_frame,
        // bits 5-23 the first partition's size (kept inside the frame).
        int headerSize = key ? 10 : 3;
        int firstPartition = Math.Min(_frame.Length - headerSize, 0x7FFFF) / 4;
        int tag = (key ? 0 : 1) | (1 << 4) | (firstPartition << 5);
        _frame[0] = (byte)tag;
        _frame[1] = (byte)(tag >> 8);
        _frame[2] = (byte)(tag >> 16);
        if (key)
        {
            Keyframes++;
            _frame[3] = 0x9d;
            _frame[4] = 0x01;
            _frame[5] = 0x2a;
            BinaryPrimitives.WriteUInt16LittleEndian(_frame.AsSpan(6), Width); // horizontal scale 0
            BinaryPrimitives.WriteUInt16LittleEndian(_frame.AsSpan(8), Height); // vertical scale 0
        }

        return _frame;
    }
}
