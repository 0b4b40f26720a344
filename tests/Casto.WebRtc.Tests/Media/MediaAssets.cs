namespace Casto.WebRtc.Tests.Media;

internal static class MediaAssets
{
    public static string Ivf => Path.Combine(RepoPaths.Root, "tests", "assets", "test-320x240-30fps.ivf");

    public static string H264 => Path.Combine(RepoPaths.Root, "tests", "assets", "test-320x240-30fps.h264");

    /// <summary>A stream that returns at most <paramref name="chunk"/> bytes per read and cannot seek.</summary>
    public static Stream Trickle(byte[] data, int chunk) => new TrickleStream(data, chunk);

    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);
    }
}
