using Microsoft.AspNetCore.Http;

namespace Casto.Relay.Http;

/// <summary>A page embedded in this assembly (read once), served as HTML that is never cached.</summary>
internal sealed class EmbeddedPage(string resourceName)
{
    private readonly Lazy<byte[]> _html = new(() =>
    {
        using var stream = typeof(EmbeddedPage).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"{resourceName} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public Task WriteAsync(HttpResponse response)
    {
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.Body.WriteAsync(_html.Value).AsTask();
    }
}
