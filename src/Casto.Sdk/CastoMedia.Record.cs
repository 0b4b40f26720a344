using System.Buffers.Binary;
using Casto.WebRtc.Media;

namespace Casto.Sdk;

public sealed partial class CastoMedia
{
    /// <summary>
    /// Records the stream to <paramref name="path"/> (created or overwritten) from a key frame (as <see cref="ReadFramesAsync"/>): an IVF file for
    /// VP8 (90 kHz timebase, the RTP timestamps), a raw Annex-B <c>.h264</c> stream for H.264. Runs until the stream
    /// ends, this media is disposed or <paramref name="cancellationToken"/> is cancelled; the file is complete in every
    /// case (cancelling is the way to stop recording, not an error). Returns the frames written.
    /// </summary>
    /// <exception cref="CastoException">The file cannot be created (<see cref="CastoError.Unknown"/>, with the I/O error inside).</exception>
    public async Task<long> RecordAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CastoException(CastoError.Unknown, $"Cannot create '{path}': {ex.Message}", ex);
        }

        IvfWriter? ivf = null;
        long written = 0;
        uint previous = 0;
        long timestamp = 0;
        try
        {
            await foreach (CastoFrame frame in ReadFramesAsync(cancellationToken).ConfigureAwait(false))
            {
                using (frame)
                {
                    if (frame.Codec == CastoCodec.H264)
                    {
                        await file.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        if (ivf is null)
                        {
                            var (width, height) = Vp8Size(frame.Payload.Span);
                            ivf = await IvfWriter.CreateAsync(file, IvfFileHeader.ForVp8(width, height, 90_000), leaveOpen: true, cancellationToken).ConfigureAwait(false);
                            previous = frame.RtpTimestamp;
                        }

                        timestamp += (int)(frame.RtpTimestamp - previous); // wrap-aware: the RTP clock is 32-bit
                        previous = frame.RtpTimestamp;
                        await ivf.WriteFrameAsync(frame.Payload, timestamp, cancellationToken).ConfigureAwait(false);
                    }

                    written++;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping a recording is its normal end.
        }
        finally
        {
            if (ivf is not null)
            {
                await ivf.DisposeAsync().ConfigureAwait(false); // patches the frame count
            }

            await file.DisposeAsync().ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>Width and height from a VP8 key frame's header (RFC 6386 §9.1); 0×0 when it is not one.</summary>
    private static (ushort Width, ushort Height) Vp8Size(ReadOnlySpan<byte> frame) =>
        frame.Length >= 10 && frame[3] == 0x9d && frame[4] == 0x01 && frame[5] == 0x2a
            ? ((ushort)(BinaryPrimitives.ReadUInt16LittleEndian(frame[6..]) & 0x3FFF), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(frame[8..]) & 0x3FFF))
            : ((ushort)0, (ushort)0);
}
