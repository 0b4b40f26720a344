// Spec: https://github.com/libp2p/specs/blob/master/perf/perf.md
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using Casto.Stack.Hosting;

namespace Casto.Stack.Protocols.Perf;

/// <summary>The result of one perf run.</summary>
/// <param name="Elapsed">From opening the stream to the end of the download.</param>
/// <param name="UploadBytes">Bytes sent.</param>
/// <param name="DownloadBytes">Bytes received.</param>
public sealed record PerfResult(TimeSpan Elapsed, long UploadBytes, long DownloadBytes)
{
    /// <summary>Total throughput in gigabits per second.</summary>
    public double Gbps => Elapsed.TotalSeconds <= 0 ? 0 : (UploadBytes + DownloadBytes) * 8 / Elapsed.TotalSeconds / 1e9;
}

/// <summary>
/// <c>/perf/1.0.0</c>: the client sends the download size as a big-endian u64, uploads, half-closes; the server
/// drains the upload, then sends the requested bytes and closes.
/// </summary>
public static class PerfProtocol
{
    /// <summary>The protocol id.</summary>
    public const string Id = "/perf/1.0.0";

    /// <summary>Size of each write (64 KiB, as js-libp2p writes).</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Serves perf on <paramref name="host"/>.</summary>
    public static void Register(CastoHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.SetStreamHandler(Id, HandleAsync);
    }

    /// <summary>Uploads <paramref name="uploadBytes"/> and downloads <paramref name="downloadBytes"/> on one stream.</summary>
    public static async ValueTask<PerfResult> RunAsync(PeerConnection connection, long uploadBytes, long downloadBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfNegative(uploadBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(downloadBytes);
        var started = Stopwatch.GetTimestamp();
        var context = await connection.NewStreamAsync(Id, cancellationToken).ConfigureAwait(false);
        await using (context.Stream.ConfigureAwait(false))
        {
            BinaryPrimitives.WriteUInt64BigEndian(context.Stream.Output.GetSpan(8), (ulong)downloadBytes);
            context.Stream.Output.Advance(8);
            await SendAsync(context.Stream.Output, uploadBytes, cancellationToken).ConfigureAwait(false);
            var received = await DrainAsync(context.Stream.Input, cancellationToken).ConfigureAwait(false);
            if (received != downloadBytes)
            {
                throw new HostException(HostError.ProtocolViolation, $"Expected {downloadBytes} bytes, received {received}.");
            }

            return new PerfResult(Stopwatch.GetElapsedTime(started), uploadBytes, received);
        }
    }

    private static async ValueTask HandleAsync(StreamContext context, CancellationToken cancellationToken)
    {
        var input = context.Stream.Input;
        var header = await input.ReadAtLeastAsync(8, cancellationToken).ConfigureAwait(false);
        if (header.Buffer.Length < 8)
        {
            throw new HostException(HostError.ProtocolViolation, "The perf request ended before its size.");
        }

        Span<byte> size = stackalloc byte[8];
        header.Buffer.Slice(0, 8).CopyTo(size);
        input.AdvanceTo(header.Buffer.GetPosition(8));
        var download = BinaryPrimitives.ReadUInt64BigEndian(size);
        await DrainAsync(input, cancellationToken).ConfigureAwait(false);
        await SendAsync(context.Stream.Output, (long)Math.Min(download, long.MaxValue), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="count"/> zero bytes in blocks, then half-closes.</summary>
    private static async ValueTask SendAsync(PipeWriter output, long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            // Fill the pipe's own buffers (GetSpan without a size: no oversized fallback arrays), one block per flush.
            var block = Math.Min(count, BlockSize);
            count -= block;
            while (block > 0)
            {
                var span = output.GetSpan();
                var length = (int)Math.Min(span.Length, block);
                span[..length].Clear();
                output.Advance(length);
                block -= length;
            }

            var flush = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                throw new HostException(HostError.ProtocolViolation, "The remote stopped reading the perf stream.");
            }
        }

        await output.CompleteAsync().ConfigureAwait(false);
    }

    private static async ValueTask<long> DrainAsync(PipeReader input, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            total += result.Buffer.Length;
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return total;
            }
        }
    }
}
