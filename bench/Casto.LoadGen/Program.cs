// Purpose: the forwarder benchmark's load generator (bench/forwarder/run.sh, bench/forwarder/README.md).
// Spec: https://www.rfc-editor.org/rfc/rfc9725 (WHIP), draft-ietf-wish-whep (WHEP), https://www.rfc-editor.org/rfc/rfc7741 (VP8 RTP)
//
// One WHIP publisher sends synthetic VP8 (default 2.5 Mbit/s, 30 fps) through a forwarder to N WHEP subscribers, all
// with Casto's RtcPeerConnection on 127.0.0.1. Prints one JSON line: forwarder CPU and RSS (from /proc/--pid),
// loss and one-way delay over the measurement window, and this generator's own CPU (it shares the machine).
using System.Net;
using Casto.LoadGen;

LoadGenOptions options;
try
{
    options = LoadGenOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or OverflowException)
{
    await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + LoadGenOptions.Usage).ConfigureAwait(false);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// Bounded in time: joining (20 s connect timeout per subscriber) plus the window, with room to spare.
cancel.CancelAfter(TimeSpan.FromSeconds(120 + options.WarmupSeconds + options.Seconds + (options.Subscribers * 2.0)));
using var handler = new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = options.Parallel };
using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
try
{
    var result = await LoadGenRun.RunAsync(options, new WhipClient(http), cancel.Token).ConfigureAwait(false);
    Console.WriteLine(result.ToJson());
    return 0;
}
catch (Exception ex) when (ex is HttpRequestException or Casto.WebRtc.PeerConnection.PeerConnectionException or OperationCanceledException)
{
    await Console.Error.WriteLineAsync("load generator failed: " + ex.Message).ConfigureAwait(false);
    return 1;
}
