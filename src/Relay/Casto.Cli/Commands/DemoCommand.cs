using System.CommandLine;
using System.Text.Json;
using Casto.Relay.Demo;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto demo [--viewers N] [--seconds S]</c>: the embedded local demo (signalling server, broadcaster, viewers) on
/// 127.0.0.1. Prints <c>{"signal":"…","room":"demo","broadcaster":"…"}</c>, then one status line per viewer every second
/// (<c>{"viewer":1,"peerId":"…","state":"connected","frames":…,"keyframes":…,"firstFrameMs":…}</c>) until SIGINT/SIGTERM
/// or the given seconds.
/// </summary>
internal static class DemoCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var viewers = new Option<int>("--viewers") { Description = "Viewers to start (1-32).", DefaultValueFactory = _ => 3 };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: run until interrupted)." };
        var command = new Command("demo", "Run the local demo: a signalling server, a broadcaster of the built-in clip and viewers, all on 127.0.0.1.") { viewers, seconds };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var options = new LocalDemoOptions
                {
                    Viewers = result.GetValue(viewers),
                    Duration = result.GetValue(seconds) is { } s ? TimeSpan.FromSeconds(s) : null,
                };
                await LocalDemo.RunAsync(options, async line =>
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(line, line.GetType(), Json)).ConfigureAwait(false);
                    await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException)
            {
                await stderr.WriteLineAsync($"casto demo: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }
}
