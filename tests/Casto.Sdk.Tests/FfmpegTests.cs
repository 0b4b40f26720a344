using System.Diagnostics;

namespace Casto.Sdk.Tests;

/// <summary>
/// A real encoder as the RTP source: ffmpeg (installed by ./test.sh) encodes a test pattern with libvpx and sends it
/// with <c>-f rtp</c> to the publisher's port, the way the docs tell users to; a two-line viewer gets its frames.
/// Fails when ffmpeg is missing.
/// </summary>
public sealed class FfmpegTests
{
    [Fact]
    public async Task FfmpegRtpOutIsPublishedAndAViewerGetsItsFrames()
    {
        using var cts = Loopback.Timeout();
        int port = Loopback.FreeUdpPort();

        await using var publisher = await new CastoClient(Loopback.Options("from-ffmpeg")).PublishAsync(CastoSource.Rtp(port), cts.Token);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (string a in new[]
        {
            "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", "20",
            "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "500k", "-g", "30", "-f", "rtp", $"rtp://127.0.0.1:{port}?pkt_size=1200",
        })
        {
            info.ArgumentList.Add(a);
        }

        using var ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        _ = ffmpeg.StandardOutput.ReadToEndAsync(cts.Token);
        var errors = ffmpeg.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await using var media = await new CastoClient(Loopback.Options("from-ffmpeg", publisher.Addresses)).StartAsync(cts.Token);
            int frames = 0, keyframes = 0;
            await foreach (CastoFrame frame in media.ReadFramesAsync(cts.Token))
            {
                using (frame)
                {
                    Assert.Equal(CastoCodec.Vp8, frame.Codec);
                    keyframes += frame.IsKeyframe ? 1 : 0;
                }

                if (++frames == 45)
                {
                    break;
                }
            }

            Assert.True(keyframes >= 1, "the first frame is a key frame, and ffmpeg sends one every 30");
            if (ffmpeg.HasExited && ffmpeg.ExitCode != 0)
            {
                Assert.Fail($"ffmpeg failed: {await errors}");
            }
        }
        finally
        {
            if (!ffmpeg.HasExited)
            {
                ffmpeg.Kill(entireProcessTree: true);
            }

            await ffmpeg.WaitForExitAsync(CancellationToken.None);
        }
    }
}
