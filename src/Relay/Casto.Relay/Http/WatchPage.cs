using Microsoft.AspNetCore.Http;

namespace Casto.Relay.Http;

/// <summary>The viewer page (<c>/watch?stream=NAME</c>): plain JS, WHEP, one video element and live stats.</summary>
internal static class WatchPage
{
    private static readonly EmbeddedPage Page = new("Casto.Relay.Http.watch.html");

    public static Task WriteAsync(HttpResponse response) => Page.WriteAsync(response);
}
