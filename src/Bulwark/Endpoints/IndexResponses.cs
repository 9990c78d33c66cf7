using Bulwark.Core.Index;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Endpoints;

/// <summary>Headers and conditional-request handling shared by the simple and JSON APIs.</summary>
internal static class IndexResponses
{
    /// <summary>Warehouse's CORS policy for its read APIs: anyone may read, and may see the serial header.</summary>
    public static void AddCors(HttpResponse response)
    {
        var h = response.Headers;
        h.AccessControlAllowOrigin = "*";
        h.AccessControlAllowHeaders = "Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since";
        h.AccessControlAllowMethods = "GET";
        h.AccessControlMaxAge = "86400";
        h.AccessControlExposeHeaders = "X-PyPI-Last-Serial";
    }

    /// <summary>
    /// Sends a cached page, or 304 when the client already holds it. The body is written from the cached
    /// array as is; nothing is serialized per request.
    /// </summary>
    public static Task WritePageAsync(HttpContext context, RenderedPage page, string contentType, string etag, string cacheControl, bool varyOnAccept)
    {
        var response = context.Response;
        var h = response.Headers;
        AddCors(response);
        h.ETag = etag;
        h.CacheControl = cacheControl;
        h["X-PyPI-Last-Serial"] = page.Serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (varyOnAccept) h.Vary = "Accept";

        if (IfNoneMatchMatches(context.Request, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = page.Body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(page.Body).AsTask();
    }

    public static IResult NotFound(HttpContext context)
    {
        AddCors(context.Response);
        return Results.NotFound();
    }

    /// <summary>301 to an unescaped site path; <see cref="PathString"/> escapes it for the Location header.</summary>
    public static IResult MovedPermanently(HttpContext context, string path)
    {
        AddCors(context.Response);
        var location = context.Request.PathBase.Add(new PathString(path)) + context.Request.QueryString;
        context.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status301MovedPermanently);
    }

    /// <summary>RFC 9110: If-None-Match uses the weak comparison, and <c>*</c> matches any current representation.</summary>
    private static bool IfNoneMatchMatches(HttpRequest request, string etag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0) return false;
        if (!EntityTagHeaderValue.TryParseList(header, out var tags)) return false;
        var ours = new EntityTagHeaderValue(etag);
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(ours, useStrongComparison: false)) return true;
        }
        return false;
    }
}
