using Casto.Relay.Forwarding;
using Casto.Relay.Tree;
using Casto.WebRtc.Media;

namespace Casto.Sdk;

/// <summary>The built-in clip or a file (IVF/VP8, H.264 Annex-B), looped by a <see cref="ClipPublisher"/>.</summary>
internal sealed class ClipSource(string? path, int framesPerSecond) : CastoSource
{
    private const long MaxFileSize = 64L << 20;
    private MediaClip? _clip;

    internal override string Describe() => path is null ? "the built-in clip" : $"file {path}";

    internal override async ValueTask PrepareAsync(CancellationToken cancellationToken)
    {
        if (path is null)
        {
            _clip = await MediaSources.LoadDefaultVp8Async(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                if (stream.Length > MaxFileSize)
                {
                    throw Unsupported($"is larger than {MaxFileSize >> 20} MiB");
                }

                byte[] head = new byte[4];
                int read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                stream.Position = 0;
                var options = new MediaReadOptions { MaxClipSize = MaxFileSize };
                _clip = Kind(head.AsSpan(0, read)) switch
                {
                    "ivf" => await MediaClip.LoadIvfAsync(stream, options, cancellationToken).ConfigureAwait(false),
                    "h264" => await MediaClip.LoadH264Async(stream, new MediaTimebase(1, framesPerSecond), options, cancellationToken).ConfigureAwait(false),
                    _ => throw Unsupported("is neither IVF (VP8) nor H.264 Annex-B"),
                };
            }
        }
        catch (MediaException ex)
        {
            throw Unsupported($"cannot be played: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CastoException(CastoError.UnsupportedFile, $"Cannot read '{path}': {ex.Message}", ex);
        }

        if (_clip.Count == 0)
        {
            throw Unsupported("holds no frames");
        }
    }

    /// <summary>"ivf" (the DKIF signature), "h264" (an Annex-B start code first) or null.</summary>
    private static string? Kind(ReadOnlySpan<byte> head) =>
        head.StartsWith("DKIF"u8) ? "ivf"
        : head.StartsWith((ReadOnlySpan<byte>)[0, 0, 1]) || head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 1]) ? "h264"
        : null;

    private CastoException Unsupported(string what, Exception? inner = null) =>
        new(CastoError.UnsupportedFile, $"'{path}' {what}.", inner);

    internal override async Task<IAsyncDisposable> StartAsync(CastoPeer peer, CancellationToken cancellationToken)
    {
        try
        {
            return await ClipPublisher.StartAsync(peer.Peer.Forwarding, peer.Stream, _clip!, cancellationToken).ConfigureAwait(false);
        }
        catch (ForwardingException ex)
        {
            throw new CastoException(CastoError.PublishFailed, $"Cannot publish '{peer.Stream}': {ex.Message}", ex);
        }
    }
}
