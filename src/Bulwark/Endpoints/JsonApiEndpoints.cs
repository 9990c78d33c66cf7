using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Bulwark.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Endpoints;

/// <summary>
/// Warehouse's legacy JSON API: <c>/pypi/&lt;project&gt;/json</c> and <c>/pypi/&lt;project&gt;/&lt;version&gt;/json</c>.
/// Responses are cached like simple pages, keyed by the project's serial. Quarantined projects and releases
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

    private static Task<IResult> ProjectAsync(string name, HttpContext context, IndexLookups lookups, PageCache cache, PublicUrl publicUrl) =>
        ServeAsync(name, version: null, context, lookups, cache, publicUrl);

    private static Task<IResult> ReleaseAsync(string name, string version, HttpContext context, IndexLookups lookups, PageCache cache, PublicUrl publicUrl) =>
        ServeAsync(name, version, context, lookups, cache, publicUrl);

    private static async Task<IResult> ServeAsync(string name, string? version, HttpContext context, IndexLookups lookups, PageCache cache, PublicUrl publicUrl)
    {
        var normalized = ProjectName.Normalize(name);
        var head = await lookups.FindProjectAsync(normalized, context.RequestAborted);
        if (head is null || head.Status == ProjectStatus.Quarantined) return IndexResponses.NotFound(context);
        if (name != normalized)
        {
            var slash = context.Request.Path.Value!.EndsWith('/') ? "/" : "";
            var path = version is null
                ? $"/pypi/{normalized}/json{slash}"
                : $"/pypi/{normalized}/{version}/json{slash}";
            return IndexResponses.MovedPermanently(context, path);
        }

        var key = version is null ? "pypi:" + normalized : $"pypi:{normalized}:{version}";
        var baseUrl = publicUrl.Value;
        var page = await cache.GetAsync(key, new PageVersion(head.LastSerial), () => RenderAsync(SimpleEndpoints.Db(context), head, version, baseUrl));
        // An empty body is how a cached "no such release" looks; a rendered response is never empty.
        if (page.Body.Length == 0) return IndexResponses.NotFound(context);
        await IndexResponses.WritePageAsync(context, page, ContentType, page.ETag, CacheControl, varyOnAccept: false);
        return Results.Empty;
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
