using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Casto.Relay.Demo;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto demo [--viewers N] [--relays R] [--fan-out F] [--chaos] [--json] [--seconds S]</c>: the embedded local
/// demo, a relay tree on 127.0.0.1 (signalling server, broadcaster of the built-in clip, relays, viewers that relay
/// too). On a terminal it draws a live table; redirected, or with <c>--json</c>, it prints JSON lines:
/// <c>{"signal":"…","room":"demo","broadcaster":"…"}</c>, then every second
/// <c>{"broadcaster":"…","children":…,"uploadKbps":…,"relays":…,"recoveries":…}</c> and one
/// <c>{"viewer":1,"peerId":"…","state":"watching","frames":…,"keyframes":…,"firstFrameMs":…,"depth":…,"parent":"…","fps":…,"parentChanges":…,"lastRecoveryMs":…,"latencyMs":…}</c>
/// per viewer, and <c>{"chaos":"killed"|"left","relay":"…"}</c> as the chaos acts. Runs until SIGINT/SIGTERM or the given seconds.
/// </summary>
internal static class DemoCommand
{

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var viewers = new Option<int>("--viewers") { Description = "Viewers to start (1-32); each relays to up to --fan-out others.", DefaultValueFactory = _ => 3 };
        var relays = new Option<int>("--relays") { Description = "Relays (nodes that forward without watching) to start first (0-32).", DefaultValueFactory = _ => 3 };
        var fanOut = new Option<int>("--fan-out") { Description = "Children per node, the broadcaster's included (1-16).", DefaultValueFactory = _ => 2 };
        var chaos = new Option<bool>("--chaos") { Description = "Kill or stop a relay every 3 s (alternately) and start a new one; watch the viewers recover." };
        var json = new Option<bool>("--json") { Description = "JSON lines even on a terminal." };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: run until interrupted)." };
        var command = new Command("demo", "Run the local demo: a relay tree of a broadcaster, relays and viewers, all on 127.0.0.1.")
        {
            viewers, relays, fanOut, chaos, json, seconds,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var options = new LocalDemoOptions
                {
                    Viewers = result.GetValue(viewers),
                    Relays = result.GetValue(relays),
                    FanOut = result.GetValue(fanOut),
                    Chaos = result.GetValue(chaos),
                    Duration = result.GetValue(seconds) is { } s ? TimeSpan.FromSeconds(s) : null,
                };
                bool table = !result.GetValue(json) && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
                var view = new DemoTable(options.Viewers);
                await LocalDemo.RunAsync(options, async line =>
                {
                    string? text = table ? view.Add(line) : JsonSerializer.Serialize(line, line.GetType(), CliJson.Default);
                    if (text is not null)
                    {
                        await stdout.WriteLineAsync(text).ConfigureAwait(false);
                        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    }
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

    /// <summary>The terminal view: one table per report (the screen cleared first), the last chaos events below it.</summary>
    private sealed class DemoTable(int viewers)
    {
        private readonly List<DemoViewerStatus> _rows = [];
        private readonly List<string> _events = [];
        private DemoTreeStatus? _tree;
        private string _start = "";

        public string? Add(object line)
        {
            switch (line)
            {
                case DemoTreeStatus tree:
                    (_tree, _rows.Capacity) = (tree, viewers);
                    _rows.Clear();
                    return null;
                case DemoChaosEvent e:
                    _events.Add($"{DateTime.Now:HH:mm:ss} relay {Short(e.Relay)} {e.Chaos}");
                    if (_events.Count > 5)
                    {
                        _events.RemoveAt(0);
                    }

                    return null;
                case DemoViewerStatus v:
                    _rows.Add(v);
                    return _rows.Count == viewers && _tree is not null ? Render() : null;
                default:
                    _start = JsonSerializer.Serialize(line, line.GetType(), CliJson.Default);
                    return _start;
            }
        }

        private string Render()
        {
            var b = new StringBuilder("\u001b[2J\u001b[H");
            b.AppendLine(_start);
            b.AppendLine(CultureInfo.InvariantCulture, $"broadcaster {Short(_tree!.Broadcaster)}: {_tree.Children} children, upload {_tree.UploadKbps:F0} kbit/s, {_tree.Relays} relays, {_tree.Recoveries} recoveries");
            b.AppendLine("viewer  state     depth  parent    fps   frames  first ms  latency ms  parent changes  last recovery ms");
            foreach (var v in _rows)
            {
                b.AppendLine(CultureInfo.InvariantCulture,
                    $"{v.Viewer,6}  {v.State,-8}  {v.Depth,5}  {Short(v.Parent),-8}  {v.Fps,4:F0}  {v.Frames,6}  {v.FirstFrameMs,8:F0}  {v.LatencyMs,10:F1}  {v.ParentChanges,14}  {v.LastRecoveryMs,16:F0}");
            }

            foreach (string e in _events)
            {
                b.AppendLine(e);
            }

            return b.ToString();
        }

        private static string Short(string? peerId) => peerId is null ? "-" : peerId[^6..];
    }
}
