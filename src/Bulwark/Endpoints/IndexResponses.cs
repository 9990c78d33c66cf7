using System.Collections.Concurrent;
using Bulwark.Core.Index;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Endpoints;

/// <summary>Headers, content coding and conditional-request handling shared by the simple and JSON APIs.</summary>
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
    /// array as is (or its compressed copy, made the first time a client accepts it); nothing is serialized per request.
    /// </summary>
    public static Task WritePageAsync(HttpContext context, RenderedPage page, string contentType, string etag, string cacheControl, bool varyOnAccept)
    {
        var response = context.Response;
        var h = response.Headers;
        AddCors(response);
        var coding = page.Compressible ? ChooseCoding(context.Request.Headers.AcceptEncoding) : null;
        if (coding is not null)
        {
            // Another encoding is another representation, with a validator of its own.
            etag = etag[..^1] + "-" + coding + "\"";
            h.ContentEncoding = coding;
        }
        h.ETag = etag;
        h.CacheControl = cacheControl;
        h["X-PyPI-Last-Serial"] = page.SerialText;
        // A page with compressed copies is sent differently per Accept-Encoding, so caches in between must key on it.
        if (page.Compressible) h.Vary = varyOnAccept ? "Accept, Accept-Encoding" : "Accept-Encoding";
        else if (varyOnAccept) h.Vary = "Accept";

        if (IfNoneMatchMatches(context.Request, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        // After the revalidation check: a 304 needs no compressed copy.
        var body = coding is null ? page.Body : page.Encoded(coding);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
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
    public static bool IfNoneMatchMatches(HttpRequest request, string etag)
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

    // Clients repeat a handful of Accept-Encoding values; the bound keeps odd ones from growing the table.
    private static readonly ConcurrentDictionary<string, string> Codings = new(StringComparer.Ordinal);
    private const string Identity = "";

    /// <summary>"br" or "gzip" when the client accepts it (brotli preferred at equal weight), else null.</summary>
    public static string? ChooseCoding(Microsoft.Extensions.Primitives.StringValues header)
    {
        if (header.Count == 0) return null;
        // Usually one line; repeated header lines are one list (RFC 9110 §5.3).
        var text = header.Count == 1 ? header[0] ?? "" : string.Join(",", header.ToArray());
        if (text.Length == 0) return null;
        if (!Codings.TryGetValue(text, out var chosen))
        {
            chosen = Parse(text);
            if (Codings.Count < 256) Codings.TryAdd(text, chosen);
        }
        return chosen.Length == 0 ? null : chosen;

        static string Parse(string text)
        {
            double br = -1, gzip = -1, any = -1;
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var pieces = part.Split(';', StringSplitOptions.TrimEntries);
                var q = 1.0;
                foreach (var p in pieces.Skip(1))
                {
                    if (p.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                        && !double.TryParse(p.AsSpan(2), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out q))
                    {
                        q = 0;
                    }
                }
                switch (pieces[0].ToLowerInvariant())
                {
                    case "br": br = q; break;
                    case "gzip" or "x-gzip": gzip = q; break;
                    case "*": any = q; break;
                }
            }
            if (br < 0) br = any;
            if (gzip < 0) gzip = any;
            if (br > 0 && br >= gzip) return "br";
            return gzip > 0 ? "gzip" : Identity;
        }
    }
}
