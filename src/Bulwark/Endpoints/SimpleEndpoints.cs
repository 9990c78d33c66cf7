using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;

namespace Bulwark.Endpoints;

/// <summary>
/// The simple repository API: <c>/simple/</c> and <c>/simple/&lt;project&gt;/</c> in HTML (PEP 503) and JSON
/// (PEP 691). Each request costs one indexed query to learn the current serial; the body comes from the page
/// cache when it was rendered at that serial. See <c>src/Bulwark.Core/Index/README.md</c>.
/// </summary>
internal static class SimpleEndpoints
{
    // Warehouse: max-age 10 minutes for browsers and proxies (its CDN keeps pages longer and is purged on change).
    private const string CacheControl = "max-age=600, public";

    // How far below the newest journal id the root page's fingerprint starts counting (see JournalMark).
    private const long RootMarkWindow = 1024;

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapSimpleApi(this IEndpointRouteBuilder app)
    {
        // Route templates ignore a trailing slash, so each handler tells the two spellings apart itself.
        app.MapMethods("/simple", GetAndHead, RootAsync);
        app.MapMethods("/simple/{name}", GetAndHead, DetailAsync);
    }

    private static async Task<IResult> RootAsync(HttpContext context, IndexLookups lookups, PageCache cache)
    {
        if (!context.Request.Path.Value!.EndsWith('/')) return IndexResponses.MovedPermanently(context, "/simple/");

        var mediaType = SimpleContentNegotiation.Select(context.Request.Headers.Accept);
        var format = SimpleContentNegotiation.FormatOf(mediaType);
        var key = format == SimpleFormat.Json ? "simple-root:json" : "simple-root:html";

        var floor = cache.TryPeek(key, out var cached)
            ? cached.Version.Floor
            : Math.Max(0, await lookups.ReadGlobalSerialAsync(context.RequestAborted) - RootMarkWindow);
        var mark = await lookups.ReadJournalMarkAsync(floor, context.RequestAborted);
        if (mark.Count > 4 * RootMarkWindow)
        {
            // The fingerprint query scans every entry above the floor; move the floor up once it has fallen far behind.
            mark = await lookups.ReadJournalMarkAsync(Math.Max(0, mark.Max - RootMarkWindow), context.RequestAborted);
        }

        var page = await cache.GetAsync(key, PageVersion.Of(mark), async () =>
        {
            var root = new SimpleRoot(mark.Max, await IndexQueries.LoadRootAsync(Db(context), CancellationToken.None));
            return format == SimpleFormat.Json ? SimpleJsonRenderer.RenderRoot(root) : SimpleHtmlRenderer.RenderRoot(root);
        });
        await IndexResponses.WritePageAsync(context, page, ContentTypeHeader(mediaType), page.ETagFor(mediaType), CacheControl, varyOnAccept: true);
        return Results.Empty;
    }

    private static async Task<IResult> DetailAsync(string name, HttpContext context, IndexLookups lookups, PageCache cache)
    {
        var normalized = ProjectName.Normalize(name);
        var head = await lookups.FindProjectAsync(normalized, context.RequestAborted);
        if (head is null) return IndexResponses.NotFound(context);
        if (name != normalized || !context.Request.Path.Value!.EndsWith('/'))
        {
            return IndexResponses.MovedPermanently(context, $"/simple/{normalized}/");
        }

        var mediaType = SimpleContentNegotiation.Select(context.Request.Headers.Accept);
        var format = SimpleContentNegotiation.FormatOf(mediaType);
        var key = (format == SimpleFormat.Json ? "simple:json:" : "simple:html:") + normalized;
        var page = await cache.GetAsync(key, new PageVersion(head.LastSerial), async () =>
        {
            // Not the request's token: other requests may be waiting on this same render.
            var detail = await IndexQueries.LoadDetailAsync(Db(context), head, CancellationToken.None);
            return format == SimpleFormat.Json ? SimpleJsonRenderer.RenderDetail(detail) : SimpleHtmlRenderer.RenderDetail(detail);
        });
        await IndexResponses.WritePageAsync(context, page, ContentTypeHeader(mediaType), page.ETagFor(mediaType), CacheControl, varyOnAccept: true);
        return Results.Empty;
    }

    /// <summary>A DbContext only for renders: a cache hit should not pay for creating one.</summary>
    internal static BulwarkDbContext Db(HttpContext context) => context.RequestServices.GetRequiredService<BulwarkDbContext>();

    private static string ContentTypeHeader(string mediaType) =>
        mediaType == SimpleApi.TextHtml ? "text/html; charset=utf-8" : mediaType;
}
