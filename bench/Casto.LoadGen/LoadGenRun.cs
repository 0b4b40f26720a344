using System.Diagnostics;

namespace Casto.LoadGen;

/// <summary>
/// One run: the publisher connects and sends, the forwarder's RSS with only the publisher is taken, N subscribers
/// join (bounded parallelism), warm-up, then the window with CPU/RSS samples of the forwarder and of this process.
/// </summary>
internal static class LoadGenRun
{
    private static readonly TimeSpan PublisherSettle = TimeSpan.FromSeconds(2);

    public static async Task<LoadGenResult> RunAsync(LoadGenOptions options, WhipClient signalling, CancellationToken cancellationToken)
    {
        var window = new MeasurementWindow();
        var publisher = await Publisher.ConnectAsync(signalling, options.Whip, window, cancellationToken).ConfigureAwait(false);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = Task.Run(() => publisher.RunAsync(options.Bitrate, options.Fps, stopSending.Token), CancellationToken.None);
        var subscribers = new List<Subscriber>();
        try
        {
            await Task.Delay(PublisherSettle, cancellationToken).ConfigureAwait(false);
            ProcSample? publisherOnly = options.Pid > 0 ? ProcSample.TryRead(options.Pid) : null;
            long joinStart = Stopwatch.GetTimestamp();
            var (failed, firstError) = await JoinAllAsync(options, signalling, publisher, window, subscribers, cancellationToken).ConfigureAwait(false);
            double joinSeconds = Stopwatch.GetElapsedTime(joinStart).TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken).ConfigureAwait(false);

            string stream = options.Whep.Segments[^1];
            var metricsStart = await ForwarderMetrics.ScrapeAsync(options.Metrics, stream, cancellationToken).ConfigureAwait(false);
            var start = WindowProbe.Take(options.Pid, subscribers);
            window.Open(TimeSpan.FromSeconds(options.Seconds));
            await Task.Delay(TimeSpan.FromSeconds(options.Seconds), cancellationToken).ConfigureAwait(false);
            var end = WindowProbe.Take(options.Pid, subscribers);
            var metricsEnd = await ForwarderMetrics.ScrapeAsync(options.Metrics, stream, cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(options.GraceSeconds), cancellationToken).ConfigureAwait(false);
            foreach (var subscriber in subscribers)
            {
                await subscriber.StopCountingAsync().ConfigureAwait(false);
            }

            return LoadGenResult.From(options, publisher, subscribers, (failed, firstError, joinSeconds), publisherOnly, start, end, (metricsStart, metricsEnd));
        }
        finally
        {
            await stopSending.CancelAsync().ConfigureAwait(false);
            await sending.ConfigureAwait(false);
            await Parallel.ForEachAsync(subscribers, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, async (s, _) =>
                await s.CloseAsync(signalling).ConfigureAwait(false)).ConfigureAwait(false);
            await publisher.DisposeAsync().ConfigureAwait(false);
            if (Subscriber.CloseErrors > 0)
            {
                await Console.Error.WriteLineAsync($"{Subscriber.CloseErrors} subscriber close(s) threw ObjectDisposedException (SRTP context disposed under the receive pump)").ConfigureAwait(false);
            }
        }
    }

    private static async Task<(int Failed, string? FirstError)> JoinAllAsync(
        LoadGenOptions options, WhipClient signalling, Publisher publisher, MeasurementWindow window, List<Subscriber> joined, CancellationToken cancellationToken)
    {
        int failed = 0;
        int done = 0;
        string? firstError = null;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Subscribers), parallel, async (_, ct) =>
        {
            try
            {
                var subscriber = await Subscriber.JoinAsync(signalling, options.Whep, publisher, window, ct).ConfigureAwait(false);
                lock (joined)
                {
                    joined.Add(subscriber);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
            }

            int n = Interlocked.Increment(ref done);
            if (n % options.Parallel == 0 || n == options.Subscribers)
            {
                await Console.Error.WriteLineAsync($"joined {n - Volatile.Read(ref failed)}/{options.Subscribers} ({Volatile.Read(ref failed)} failed)").ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        if (firstError is not null)
        {
            await Console.Error.WriteLineAsync("first join error: " + firstError).ConfigureAwait(false);
        }

        return (failed, firstError);
    }
}
