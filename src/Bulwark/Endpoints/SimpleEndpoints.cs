using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;

namespace Bulwark.Endpoints;

/// <summary>
/// The simple repository API: <c>/simple/</c> and <c>/simple/&lt;project&gt;/</c> in HTML (PEP 503) and JSON
/// (PEP 691). A cached page is served while its project's change generation is unchanged, which costs no
/// database query; the root listing is kept in memory and updated per change. See
/// <c>src/Bulwark.Core/Index/README.md</c>.
/// </summary>
internal static class SimpleEndpoints
{
    // Warehouse: max-age 10 minutes for browsers and proxies (its CDN keeps pages longer and is purged on change).
    internal const string CacheControl = "max-age=600, public";

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapSimpleApi(this IEndpointRouteBuilder app)
    {
        // Route templates ignore a trailing slash, so each handler tells the two spellings apart itself.
        app.MapMethods("/simple", GetAndHead, RootAsync);
        app.MapMethods("/simple/{name}", GetAndHead, DetailAsync);
    }

    private static async Task RootAsync(HttpContext context, RootIndex root)
    {
        if (!context.Request.Path.Value!.EndsWith('/'))
        {
            await IndexResponses.MovedPermanently(context, "/simple/").ExecuteAsync(context);
            return;
        }

        var mediaType = SimpleContentNegotiation.Select(context.Request.Headers.Accept);
        var format = SimpleContentNegotiation.FormatOf(mediaType);
        var snapshot = await root.GetAsync(context.RequestAborted);
        var response = context.Response;
        IndexResponses.AddCors(response);
        var etag = snapshot.ETagFor(mediaType);
        response.Headers.ETag = etag;
        response.Headers.CacheControl = CacheControl;
        response.Headers["X-PyPI-Last-Serial"] = snapshot.SerialText;
        response.Headers.Vary = "Accept";
        if (IndexResponses.IfNoneMatchMatches(context.Request, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentTypeHeader(mediaType);
        response.ContentLength = snapshot.LengthOf(format);
        if (HttpMethods.IsHead(context.Request.Method)) return;
        // Streamed segment by segment from the snapshot: at 700,000 projects the body is tens of megabytes
        // and is never assembled in one buffer.
        await snapshot.WriteAsync(response.BodyWriter, format, context.RequestAborted);
    }

    private static async Task DetailAsync(string name, HttpContext context, IndexLookups lookups, IndexGenerations generations, PageCache cache)
    {
        var normalized = ProjectName.Normalize(name);
        var mediaType = SimpleContentNegotiation.Select(context.Request.Headers.Accept);
        var format = SimpleContentNegotiation.FormatOf(mediaType);
        var key = (format == SimpleFormat.Json ? "simple:json:" : "simple:html:") + normalized;
        // Read before the data: a change announced after this makes the page rendered now unusable later.
        var version = new PageVersion(generations.Of(normalized));
        if (!cache.TryGet(key, version, out var page))
        {
            page = await cache.GetOrRenderAsync(key, version, async () =>
            {
                // Not the request's token: other requests may be waiting on this same render.
                var loaded = await lookups.LoadDetailAsync(normalized, CancellationToken.None);
                if (loaded is null) return PageContent.Missing;
                var (head, detail) = loaded.Value;
                var body = format == SimpleFormat.Json ? SimpleJsonRenderer.RenderDetail(detail) : SimpleHtmlRenderer.RenderDetail(detail);
                return new PageContent(body, head.LastSerial);
            });
        }

        // Unknown names are 404 whatever their spelling (as on PyPI); known ones redirect to the canonical URL.
        if (!page.ProjectExists)
        {
            // Not local: an upstream may serve it, behind the dependency-confusion guard (docs/upstreams.md).
            if (await UpstreamEndpoints.TryServePageAsync(context, name, normalized, mediaType)) return;
            await IndexResponses.NotFound(context).ExecuteAsync(context);
            return;
        }
        if (name != normalized || !context.Request.Path.Value!.EndsWith('/'))
        {
            await IndexResponses.MovedPermanently(context, $"/simple/{normalized}/").ExecuteAsync(context);
            return;
        }
        await IndexResponses.WritePageAsync(context, page, ContentTypeHeader(mediaType), page.ETagFor(mediaType), CacheControl, varyOnAccept: true);
    }

    /// <summary>A DbContext only for renders: a cache hit should not pay for creating one.</summary>
    internal static BulwarkDbContext Db(HttpContext context) => context.RequestServices.GetRequiredService<BulwarkDbContext>();

    internal static string ContentTypeHeader(string mediaType) =>
        mediaType == SimpleApi.TextHtml ? "text/html; charset=utf-8" : mediaType;
}
