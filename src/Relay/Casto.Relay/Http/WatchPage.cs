using Microsoft.AspNetCore.Http;

namespace Casto.Relay.Http;

/// <summary>The viewer page (<c>/watch?stream=NAME</c>): plain JS, WHEP, one video element and live stats.</summary>
internal static class WatchPage
{
    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var stream = typeof(WatchPage).Assembly.GetManifestResourceStream("Casto.Relay.Http.watch.html")
            ?? throw new InvalidOperationException("The viewer page is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static Task WriteAsync(HttpResponse response)
    {
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.Body.WriteAsync(Html.Value).AsTask();
    }
}
