// Spec: https://www.rfc-editor.org/rfc/rfc9725#section-4.2 (WHIP: POST offer, 201 + answer + Location, DELETE ends)
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Casto.LoadGen;

/// <summary>WHIP/WHEP signalling: raw <c>application/sdp</c> bodies, the session is the Location resource.</summary>
internal sealed class WhipClient(HttpClient http)
{
    private static readonly MediaTypeHeaderValue Sdp = new("application/sdp");

    /// <summary>POSTs the offer; returns the answer and the session's absolute Location.</summary>
    public async Task<(string Answer, Uri Location)> PostOfferAsync(Uri endpoint, string offer, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(offer));
        content.Headers.ContentType = Sdp;
        using var response = await http.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new HttpRequestException($"POST {endpoint} answered {(int)response.StatusCode}: {body.Trim()}");
        }

        Uri location = response.Headers.Location ?? throw new HttpRequestException($"POST {endpoint} answered 201 without a Location.");
        return (body, location.IsAbsoluteUri ? location : new Uri(endpoint, location));
    }

    /// <summary>Ends the session; errors are ignored (the forwarder may already be gone).</summary>
    public async Task DeleteAsync(Uri location, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.DeleteAsync(location, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
        }
    }
}
