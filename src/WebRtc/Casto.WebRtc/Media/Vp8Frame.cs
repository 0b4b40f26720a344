// Spec: https://www.rfc-editor.org/rfc/rfc6386#section-9.1 (uncompressed data chunk / frame tag)
namespace Casto.WebRtc.Media;

/// <summary>
/// The start of a VP8 frame:
/// <code>
///  frame tag (3 bytes, little endian): bit 0 key_frame (0 = key frame), bits 1-3 version,
///                                      bit 4 show_frame, bits 5-23 first partition size
///  key frames only: start code 9d 01 2a, then 14-bit width + 2-bit scale, 14-bit height + 2-bit scale
/// </code>
/// </summary>
internal static class Vp8Frame
{
    private static ReadOnlySpan<byte> StartCode => [0x9D, 0x01, 0x2A];

    /// <summary>True when <paramref name="frame"/> is a key frame: P bit clear and the key frame start code present.</summary>
    public static bool IsKeyframe(ReadOnlySpan<byte> frame) =>
        frame.Length >= 10 && (frame[0] & 0x01) == 0 && frame.Slice(3, 3).SequenceEqual(StartCode);
}
