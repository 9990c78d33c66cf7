using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Bulwark.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Endpoints;

/// <summary>
/// Warehouse's legacy JSON API: <c>/pypi/&lt;project&gt;/json</c> and <c>/pypi/&lt;project&gt;/&lt;version&gt;/json</c>.
/// Responses are cached like simple pages, validated by the project's change generation. Quarantined projects and releases
/// do not exist here (404).
/// </summary>
internal static class JsonApiEndpoints
{
    // Warehouse: 15 minutes.
    private const string CacheControl = "max-age=900, public";
    private const string ContentType = "application/json";
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapJsonApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/pypi/{name}/json", GetAndHead, ProjectAsync);
        app.MapMethods("/pypi/{name}/{version}/json", GetAndHead, ReleaseAsync);
    }

    private static Task ProjectAsync(string name, HttpContext context, IndexLookups lookups, IndexGenerations generations, PageCache cache, PublicUrl publicUrl) =>
        ServeAsync(name, version: null, context, lookups, generations, cache, publicUrl);

    private static Task ReleaseAsync(string name, string version, HttpContext context, IndexLookups lookups, IndexGenerations generations, PageCache cache, PublicUrl publicUrl) =>
        ServeAsync(name, version, context, lookups, generations, cache, publicUrl);

    private static async Task ServeAsync(string name, string? version, HttpContext context, IndexLookups lookups, IndexGenerations generations, PageCache cache, PublicUrl publicUrl)
    {
        var normalized = ProjectName.Normalize(name);
        var key = version is null ? "pypi:" + normalized : $"pypi:{normalized}:{version}";
        var baseUrl = publicUrl.Value;
        var pageVersion = new PageVersion(generations.Of(normalized));
        if (!cache.TryGet(key, pageVersion, out var page))
        {
            page = await cache.GetOrRenderAsync(key, pageVersion, async () =>
            {
                var head = await lookups.FindProjectAsync(normalized, CancellationToken.None);
                if (head is null || head.Status == ProjectStatus.Quarantined) return PageContent.Missing;
                return new PageContent(await RenderAsync(SimpleEndpoints.Db(context), head, version, baseUrl), head.LastSerial);
            });
        }

        var canonicalPath = name == normalized ? null : CanonicalPath(context, normalized, version);
        if (!page.ProjectExists)
        {
            // Not local: an upstream may serve it, behind the same guard as the simple page (docs/upstreams.md).
            if (await UpstreamEndpoints.TryServeJsonAsync(context, normalized, version, baseUrl, canonicalPath)) return;
            await IndexResponses.NotFound(context).ExecuteAsync(context);
            return;
        }
        if (canonicalPath is not null)
        {
            await IndexResponses.MovedPermanently(context, canonicalPath).ExecuteAsync(context);
            return;
        }
        // An empty body is how a cached "no such release" looks; a rendered response is never empty.
        if (page.Body.Length == 0)
        {
            await IndexResponses.NotFound(context).ExecuteAsync(context);
            return;
        }
        await IndexResponses.WritePageAsync(context, page, ContentType, page.ETag, CacheControl, varyOnAccept: false);
    }

    private static string CanonicalPath(HttpContext context, string normalized, string? version)
    {
        var slash = context.Request.Path.Value!.EndsWith('/') ? "/" : "";
        return version is null ? $"/pypi/{normalized}/json{slash}" : $"/pypi/{normalized}/{version}/json{slash}";
    }

    private static async Task<byte[]> RenderAsync(BulwarkDbContext db, ProjectHead head, string? version, string baseUrl)
    {
        var ct = CancellationToken.None;
        long? releaseId = null;
        if (version is not null)
        {
            releaseId = await ProjectJsonQueries.FindReleaseIdAsync(db, head.Id, version, ct);
            if (releaseId is null) return [];
        }
        var releases = await ProjectJsonQueries.LoadReleasesAsync(db, head.Id, releaseId, ct);
        var selected = ProjectJsonQueries.SelectInfoRelease(releases);
        if (selected is null) return [];

        var info = await ProjectJsonQueries.LoadReleaseAsync(db, selected.Id, ct);
        var roles = await ProjectJsonQueries.LoadRolesAsync(db, head.Id, ct);
        var critical = await db.Projects.Where(p => p.Id == head.Id).Select(p => p.CriticalSince != null).SingleAsync(ct);
        var data = new ProjectJson(head.Name, head.LastSerial, critical, info, releases, roles, AllReleases: version is null);
        return ProjectJsonRenderer.Render(data, baseUrl);
    }
}
