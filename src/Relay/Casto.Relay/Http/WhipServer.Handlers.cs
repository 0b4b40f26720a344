// Spec: https://www.rfc-editor.org/rfc/rfc9725#section-4.2 (POST → 201 + Location), §4.3 (PATCH), §4.4 (DELETE), §4.5 (bearer tokens),
//       https://datatracker.ietf.org/doc/draft-ietf-wish-whep/ §4 (WHEP: the same shapes, recvonly offers)
using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Casto.Relay.Forwarding;
using Microsoft.AspNetCore.Http;

namespace Casto.Relay.Http;

/// <summary>Request routing: <c>/whip|whep/STREAM</c> (POST, OPTIONS), <c>/whip|whep/STREAM/ID</c> (DELETE, OPTIONS), <c>/watch</c>.</summary>
public sealed partial class WhipServer
{
    private const string SdpType = "application/sdp";

    /// <summary>Bytes of an oversized body read and discarded at most before answering 413 (Kestrel's body limit).</summary>
    internal const int DrainLimit = 1024 * 1024;

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers.AccessControlExposeHeaders = "Location, ETag, Link, Retry-After";
        string[] parts = (context.Request.Path.Value ?? "/").Trim('/').Split('/');
        string method = context.Request.Method;
        if (parts is ["watch"] && HttpMethods.IsGet(method))
        {
            await WatchPage.WriteAsync(response).ConfigureAwait(false);
            return;
        }

        if (parts is ["metrics"] && HttpMethods.IsGet(method))
        {
            var text = new StringBuilder();
            PrometheusText.WriteForwarding(text, _node.GetStats());
            _options.ExtraMetrics?.Invoke(text);
            response.ContentType = PrometheusText.ContentType;
            await response.WriteAsync(text.ToString()).ConfigureAwait(false);
            return;
        }

        if (parts is ["healthz"] && HttpMethods.IsGet(method))
        {
            response.ContentType = "text/plain";
            await response.WriteAsync("ok\n").ConfigureAwait(false);
            return;
        }

        if (parts is [var page] && HttpMethods.IsGet(method) && _options.Pages.TryGetValue(page, out RequestDelegate? handler))
        {
            await handler(context).ConfigureAwait(false);
            return;
        }

        if (parts is not [("whip" or "whep") and var kind, var stream, ..] || parts.Length > 3)
        {
            await ErrorAsync(response, StatusCodes.Status404NotFound, "Not found: use /whip/STREAM, /whep/STREAM, /watch?stream=NAME, /metrics or /healthz.").ConfigureAwait(false);
            return;
        }

        bool whip = kind == "whip";
        bool resource = parts.Length == 3;
        if (HttpMethods.IsOptions(method))
        {
            Preflight(response, resource);
            return;
        }

        bool create = !resource && HttpMethods.IsPost(method);
        bool delete = resource && HttpMethods.IsDelete(method);
        if (!create && !delete)
        {
            response.Headers.Allow = resource ? "DELETE, OPTIONS" : "POST, OPTIONS";
            string what = resource && HttpMethods.IsPatch(method) ? "Trickle ICE and ICE restarts are not supported." : $"{method} is not allowed here.";
            await ErrorAsync(response, StatusCodes.Status405MethodNotAllowed, what).ConfigureAwait(false);
            return;
        }

        if (whip && !Authorized(context.Request))
        {
            response.Headers.WWWAuthenticate = "Bearer";
            await ErrorAsync(response, StatusCodes.Status401Unauthorized, "Missing or wrong bearer token.").ConfigureAwait(false);
            return;
        }

        if (create)
        {
            await CreateAsync(context, whip, stream).ConfigureAwait(false);
        }
        else
        {
            await DeleteAsync(response, whip, stream, parts[2]).ConfigureAwait(false);
        }
    }

    private async Task CreateAsync(HttpContext context, bool whip, string stream)
    {
        var request = context.Request;
        var response = context.Response;
        if (request.ContentType is not { } type || !type.Split(';')[0].Trim().Equals(SdpType, StringComparison.OrdinalIgnoreCase))
        {
            await ErrorAsync(response, StatusCodes.Status415UnsupportedMediaType, "The offer must be sent as application/sdp.").ConfigureAwait(false);
            return;
        }

        string? offer = await ReadOfferAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (offer is null)
        {
            await ErrorAsync(response, StatusCodes.Status413PayloadTooLarge, $"The offer is larger than {_options.MaxSdpBytes} bytes.").ConfigureAwait(false);
            return;
        }

        ForwardingSession session;
        try
        {
            session = whip
                ? await _node.PublishAsync(stream, offer, context.RequestAborted).ConfigureAwait(false)
                : await _node.SubscribeAsync(stream, offer, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ForwardingException ex)
        {
            await RefuseAsync(response, ex).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status201Created;
        response.ContentType = SdpType;
        response.Headers.Location = $"/{(whip ? "whip" : "whep")}/{stream}/{session.Id}";
        response.Headers.ETag = $"\"{session.Id}\"";
        await response.WriteAsync(session.Answer, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpResponse response, bool whip, string stream, string id)
    {
        var session = _node.GetSession(id);
        if (session is null || session.IsPublisher != whip || session.Stream != stream)
        {
            await ErrorAsync(response, StatusCodes.Status404NotFound, "No such session.").ConfigureAwait(false);
            return;
        }

        try
        {
            await _node.EndAsync(id).ConfigureAwait(false);
        }
        catch (ForwardingException ex)
        {
            await RefuseAsync(response, ex).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>
    /// Reads the body as UTF-8, or null when it is larger than allowed. A declared length over the limit is refused
    /// before anything is buffered; the excess is read and discarded (up to <see cref="DrainLimit"/>, Kestrel's own
    /// limit) so the client reads the 413 instead of a reset connection.
    /// </summary>
    private async Task<string?> ReadOfferAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        int max = _options.MaxSdpBytes;
        if (request.ContentLength > DrainLimit)
        {
            return null;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            int length = 0;
            bool over = false;
            while (true)
            {
                int n = await request.Body.ReadAsync(over ? buffer.AsMemory() : buffer.AsMemory(length, max + 1 - length), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                length += over ? 0 : n;
                over |= length > max;
            }

            return over ? null : Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (BadHttpRequestException)
        {
            return null; // over Kestrel's limit: the connection is closed after the 413
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool Authorized(HttpRequest request)
    {
        if (_options.WhipToken is not { } token)
        {
            return true;
        }

        string header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    private static void Preflight(HttpResponse response, bool resource)
    {
        response.StatusCode = StatusCodes.Status204NoContent;
        response.Headers.AccessControlAllowMethods = resource ? "DELETE, OPTIONS" : "POST, OPTIONS";
        response.Headers.AccessControlAllowHeaders = "Authorization, Content-Type, If-Match";
        response.Headers.Allow = resource ? "DELETE, OPTIONS" : "POST, OPTIONS";
        if (!resource)
        {
            response.Headers["Accept-Post"] = SdpType;
        }
    }

    private Task RefuseAsync(HttpResponse response, ForwardingException ex)
    {
        int status = ex.Error switch
        {
            ForwardingError.InvalidSdp or ForwardingError.InvalidName => StatusCodes.Status400BadRequest,
            ForwardingError.StreamNotFound or ForwardingError.SessionNotFound => StatusCodes.Status404NotFound,
            ForwardingError.StreamBusy => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status503ServiceUnavailable,
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ErrorAsync(response, status, ex.Message);
    }

    private static Task ErrorAsync(HttpResponse response, int status, string reason)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(reason.ReplaceLineEndings(" ") + "\n");
    }
}
