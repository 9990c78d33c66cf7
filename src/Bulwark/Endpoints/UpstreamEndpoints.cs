using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Storage;
using Bulwark.Core.Upstreams;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Endpoints;

/// <summary>
/// The edge of the upstream proxy: proxied project pages (reached from <c>/simple/&lt;name&gt;/</c> when no
/// local project has the name) and proxied files at <c>/files/upstream/&lt;sha256[0:2]&gt;/&lt;[2:4]&gt;/&lt;[4:]&gt;/&lt;filename&gt;</c>.
/// Responses say where they came from in <c>X-Bulwark-Upstream</c>: <c>fresh</c>, <c>stale</c> (the upstream is
/// down or slow, the held page is served) or <c>offline</c> for pages; <c>fetched</c> or <c>cached</c> for files.
/// </summary>
internal static class UpstreamEndpoints
{
    public const string SourceHeader = "X-Bulwark-Upstream";

    /// <summary>On proxied JSON API documents: <c>upstream</c> (the upstream's JSON API, filtered) or <c>simple-page</c>.</summary>
    public const string JsonSourceHeader = "X-Bulwark-Upstream-Json";

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapUpstreamFiles(this IEndpointRouteBuilder app) =>
        app.MapMethods("/files/upstream/{a}/{b}/{rest}/{filename}", GetAndHead, ServeFileAsync);

    /// <summary>Serves the proxied page of a name that is not local; false when there is none (the caller answers 404).</summary>
    public static async Task<bool> TryServePageAsync(HttpContext context, string name, string normalized, string mediaType)
    {
        var proxy = context.RequestServices.GetRequiredService<UpstreamProxy>();
        if (!proxy.Enabled) return false;
        var outcome = await proxy.GetPageAsync(normalized, context.RequestAborted);
        if (!outcome.TryGetValue(out var page, out var refusal))
        {
            if (refusal.Kind != RefusalKind.Unavailable) return false;
            // Nothing held and the upstream unreachable: say so, rather than a 404 that pip would take as "no such project".
            await Refuse(context, refusal).ExecuteAsync(context);
            return true;
        }
        if (name != normalized || !context.Request.Path.Value!.EndsWith('/'))
        {
            await IndexResponses.MovedPermanently(context, $"/simple/{normalized}/").ExecuteAsync(context);
            return true;
        }
        context.Response.Headers[SourceHeader] = FreshnessText(page.Freshness);
        var rendered = page.For(SimpleContentNegotiation.FormatOf(mediaType));
        await IndexResponses.WritePageAsync(context, rendered, SimpleEndpoints.ContentTypeHeader(mediaType), rendered.ETagFor(mediaType),
            SimpleEndpoints.CacheControl, varyOnAccept: true);
        return true;
    }

    /// <summary>
    /// Serves the legacy JSON API document of a name that is not local (<see cref="ProxiedProjectJson"/>); false when
    /// there is none (the caller answers 404). <paramref name="canonicalPath"/>: where a non-normalized name redirects.
    /// </summary>
    public static async Task<bool> TryServeJsonAsync(HttpContext context, string normalized, string? version, string baseUrl, string? canonicalPath)
    {
        if (!context.RequestServices.GetRequiredService<UpstreamProxy>().Enabled) return false;
        var outcome = await context.RequestServices.GetRequiredService<ProxiedProjectJson>().GetAsync(normalized, version, baseUrl, context.RequestAborted);
        if (!outcome.TryGetValue(out var document, out var refusal))
        {
            if (refusal.Kind != RefusalKind.Unavailable) return false;
            await Refuse(context, refusal).ExecuteAsync(context);
            return true;
        }
        if (canonicalPath is not null)
        {
            await IndexResponses.MovedPermanently(context, canonicalPath).ExecuteAsync(context);
            return true;
        }
        context.Response.Headers[SourceHeader] = FreshnessText(document.Freshness);
        // Whether the upstream's own JSON API was used or the document was built from the simple page.
        context.Response.Headers[JsonSourceHeader] = document.FromUpstreamJson ? "upstream" : "simple-page";
        context.Response.Headers.CacheControl = SimpleEndpoints.CacheControl;
        await Results.Bytes(document.Body, "application/json").ExecuteAsync(context);
        return true;
    }

    private static string FreshnessText(UpstreamFreshness freshness) => freshness switch
    {
        UpstreamFreshness.Stale => "stale",
        UpstreamFreshness.Offline => "offline",
        _ => "fresh",
    };

    private static async Task<IResult> ServeFileAsync(string a, string b, string rest, string filename, HttpContext context, UpstreamFiles files, IBlobStore blobs,
        SmallBlobCache smallBlobs)
    {
        var sha256 = a + b + rest;
        if (a.Length != 2 || b.Length != 2 || sha256.Length != 64 || !sha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
        {
            return Results.NotFound();
        }
        return await ServeStoredAsync(sha256, filename, context, files, blobs, smallBlobs, mayRetry: true);
    }

    private static async Task<IResult> ServeStoredAsync(string sha256, string filename, HttpContext context, UpstreamFiles files, IBlobStore blobs,
        SmallBlobCache smallBlobs, bool mayRetry)
    {
        var outcome = await files.GetAsync(sha256, filename, context.RequestAborted);
        if (!outcome.TryGetValue(out var stored, out var refusal)) return Refuse(context, refusal);

        var metadata = filename.EndsWith(".metadata", StringComparison.Ordinal);
        var contentType = metadata ? "text/plain; charset=utf-8" : "application/octet-stream";
        var etag = new EntityTagHeaderValue($"\"{stored.Sha256}\"");
        var h = context.Response.Headers;
        h[SourceHeader] = stored.FetchedNow ? "fetched" : "cached";
        // Content-addressed (by the verified sha256), so the bytes behind the URL never change.
        h.CacheControl = "public, max-age=31536000, immutable";
        h.AccessControlAllowOrigin = "*";
        // Small files (metadata, small wheels) from memory, as local ones are; the size must be known to ask.
        if (stored.Size is { } size && await smallBlobs.GetAsync(stored.BlobPath, size, context.RequestAborted) is { } small)
        {
            return Results.Bytes(small, contentType, entityTag: etag, enableRangeProcessing: true);
        }
        if (blobs.GetLocalPath(stored.BlobPath) is { } local)
        {
            if (File.Exists(local)) return Results.File(local, contentType, entityTag: etag, enableRangeProcessing: true);
        }
        else if (await blobs.OpenReadAsync(stored.BlobPath, context.RequestAborted) is { } stream)
        {
            return Results.Stream(stream, contentType, entityTag: etag, enableRangeProcessing: true);
        }
        // The store no longer has a blob this instance remembered as stored (fsck --repair removed a damaged one):
        // it is forgotten and fetched from the upstream again, verified and scanned as the first time.
        if (!mayRetry) return Results.NotFound();
        files.Forget(stored.BlobPath);
        return await ServeStoredAsync(sha256, filename, context, files, blobs, smallBlobs, mayRetry: false);
    }

    /// <summary>
    /// NotFound is 404; a file the malware scan held is 403; an upstream that is unreachable is 503 and one that sent bytes not matching its own
    /// listing is 502 (a bad gateway in the literal sense); the reason phrase names the problem, as on uploads.
    /// </summary>
    private static IResult Refuse(HttpContext context, Refusal refusal)
    {
        var status = refusal.Kind switch
        {
            RefusalKind.NotFound => StatusCodes.Status404NotFound,
            RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
            RefusalKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status502BadGateway,
        };
        if (status != StatusCodes.Status404NotFound)
        {
            var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>();
            if (feature is not null) feature.ReasonPhrase = Upload.UploadRefusalResponse.ReasonPhrase(refusal.Message);
        }
        return Results.Text(refusal.Message + "\n", "text/plain; charset=utf-8", statusCode: status);
    }
}
