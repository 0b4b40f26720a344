using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Casto.WebRtc.Echo;
using Casto.WebRtc.PeerConnection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Casto.Cli.Commands;

/// <summary>
/// <c>casto webrtc-echo --http HOST:PORT [--record DIR]</c>: the webrtc-echoes server peer. <c>POST /offer</c> with a JSON
/// RTCSessionDescriptionInit returns the non-trickle answer; every received RTP packet is echoed back (a receive-only
/// peer gets the built-in VP8 clip). Prints <c>{"url":"http://HOST:PORT/offer"}</c>, then one JSON line per ended session.
/// </summary>
internal static class WebRtcEchoCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var http = new Option<string?>("--http") { Description = "Serve: HTTP endpoint, e.g. 127.0.0.1:8080 (port 0 picks one).", HelpName = "HOST:PORT" };
        var client = new Option<string?>("--client") { Description = "Instead of serving, be the echo client of the server at URL (…/offer).", HelpName = "URL" };
        var seconds = new Option<double>("--seconds") { Description = "Client: how long to send after connecting.", DefaultValueFactory = _ => 5 };
        var record = new Option<string?>("--record") { Description = "Write the VP8 each session receives to DIR/session-N.ivf.", HelpName = "DIR" };
        var maxSessions = new Option<int>("--max-sessions") { Description = "Peer connections at once.", DefaultValueFactory = _ => 16 };
        var command = new Command("webrtc-echo", "Run the webrtc-echoes test server: POST /offer, every received track is echoed back.") { http, client, seconds, record, maxSessions };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                if (result.GetValue(client) is { } url)
                {
                    return await RunClientAsync(new Uri(url), TimeSpan.FromSeconds(result.GetValue(seconds)), stdout, cancellationToken).ConfigureAwait(false);
                }

                var endpoint = IPEndPoint.Parse(result.GetValue(http) ?? throw new FormatException("--http HOST:PORT or --client URL is required."));
                var options = new WebRtcEchoOptions { RecordDirectory = result.GetValue(record), MaxSessions = result.GetValue(maxSessions) };
                options.Validate();
                await using var echo = new WebRtcEchoServer(options);
                await using var app = Build(echo, endpoint, options.MaxOfferSize);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                await WriteLineAsync(stdout, (new JsonObject { ["url"] = address + "/offer" }).ToJsonString(), cancellationToken).ConfigureAwait(false);
                try
                {
                    await foreach (var report in echo.Reports.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await WriteLineAsync(stdout, JsonSerializer.Serialize(report, CliJson.Default.WebRtcEchoReport), cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    // SIGINT/SIGTERM: stop the HTTP server and close the sessions below.
                }

                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return CastoCli.Ok;
            }
            catch (Exception ex) when (ex is FormatException or IOException or ArgumentException or UriFormatException)
            {
                await stderr.WriteLineAsync($"casto webrtc-echo: {ex.Message}").ConfigureAwait(false);
                return CastoCli.Failed;
            }
        });
        return command;
    }

    /// <summary>Client role: prints the report; exit 0 when connected and echoed frames came back.</summary>
    private static async Task<int> RunClientAsync(Uri url, TimeSpan duration, TextWriter stdout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var report = await WebRtcEchoClient.RunAsync(url, duration, http, cancellationToken: cancellationToken).ConfigureAwait(false);
        await WriteLineAsync(stdout, JsonSerializer.Serialize(report, CliJson.Default.WebRtcEchoReport), cancellationToken).ConfigureAwait(false);
        return report.State == "connected" && report.Frames > 0 ? CastoCli.Ok : CastoCli.Failed;
    }


    private static async Task WriteLineAsync(TextWriter stdout, string line, CancellationToken cancellationToken)
    {
        await stdout.WriteLineAsync(line).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static WebApplication Build(WebRtcEchoServer echo, IPEndPoint endpoint, int maxBody)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = maxBody;
        });
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            // Browsers on another origin (e.g. a test page) may post offers.
            context.Response.Headers.AccessControlAllowOrigin = "*";
            context.Response.Headers.AccessControlAllowHeaders = "content-type";
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapPost("/offer", async (HttpContext context) =>
        {
            string body;
            using (var reader = new StreamReader(context.Request.Body))
            {
                body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            }

            try
            {
                string answer = await echo.AnswerAsync(body, context.RequestAborted).ConfigureAwait(false);
                return Results.Text(answer, "application/json");
            }
            catch (PeerConnectionException ex)
            {
                int status = ex.Error == PeerConnectionError.InvalidState ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status400BadRequest;
                return Results.Text((new JsonObject { ["error"] = ex.Error.ToString(), ["message"] = ex.Message }).ToJsonString(), "application/json", statusCode: status);
            }
        });
        return app;
    }
}
