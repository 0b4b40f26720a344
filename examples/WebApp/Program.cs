// An ASP.NET Core app that watches a Casto stream while it runs (and relays it): GET / is the stream's page, /stats
// its statistics as JSON, /healthz the health check, /record?seconds=N records N seconds to an IVF file it returns.
//   dotnet run --project examples/WebApp --urls http://127.0.0.1:5080 -- --Casto:Stream=show --Casto:BootstrapPeers:0=/ip4/…/p2p/…
using Casto.Sdk;
using WebApp;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddCasto(builder.Configuration);

var app = builder.Build();
app.MapHealthChecks("/healthz");
app.MapGet("/", (CastoOptions options) => Results.Content(StreamPage.Html(options.Stream), "text/html"));
app.MapGet("/stats", (CastoViewer viewer) => viewer.Media is { } media
    ? Results.Json(media.Stats)
    : Results.Json(new { state = viewer.State.ToString(), error = viewer.LastError?.Message }, statusCode: 503));
app.MapGet("/record", async (CastoViewer viewer, int? seconds, CancellationToken cancellationToken) =>
{
    if (viewer.Media is not { } media)
    {
        return Results.Problem("Not watching yet.", statusCode: 503);
    }

    string path = Path.Combine(Path.GetTempPath(), $"{media.Stream}-{Guid.NewGuid():n}.{(media.Codec == CastoCodec.H264 ? "h264" : "ivf")}");
    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    limit.CancelAfter(TimeSpan.FromSeconds(Math.Clamp(seconds ?? 5, 1, 60)));
    await media.RecordAsync(path, limit.Token);
    return Results.File(path, "application/octet-stream", Path.GetFileName(path));
});
app.Run();
