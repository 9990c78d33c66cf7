using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Browsing;

/// <summary>One project in a listing: its name and the version and summary of its latest release.</summary>
public sealed record ProjectListing(string Name, string NormalizedName, string? LatestVersion, string? Summary, DateTimeOffset CreatedAt);

public sealed record SearchPage(IReadOnlyList<ProjectListing> Items, int Page, int PageSize, int Total)
{
    public int PageCount => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
    public bool HasPrevious => Page > 1;
    public bool HasNext => Page < PageCount;
}

/// <summary>Search over project names and release summaries, paged, for the home page.</summary>
public sealed class ProjectSearch(BulwarkDbContext db)
{
    public const int DefaultPageSize = 20;
    public const int MaxQueryLength = 100;

    public async Task<SearchPage> SearchAsync(string? query, int page, int pageSize = DefaultPageSize, CancellationToken ct = default)
    {
        // Past the last page the list is empty; bounded so that the row offset cannot overflow an int.
        page = Math.Clamp(page, 1, int.MaxValue / Math.Max(pageSize, 1));
        var projects = db.Projects.AsNoTracking().Where(p => p.Lifecycle != ProjectLifecycle.Quarantined);
        // NUL cannot be part of any stored name or summary, and PostgreSQL refuses it in a query parameter.
        var term = (query ?? "").Replace("\0", "", StringComparison.Ordinal).Trim();
        if (term.Length > MaxQueryLength) term = term[..MaxQueryLength];
        string? exact = null;
        if (term.Length > 0)
        {
            var lower = term.ToLowerInvariant();
            exact = ProjectName.Normalize(term);
            // Contains() becomes instr()/strpos(): no LIKE pattern, so '%' and '_' in a query match literally.
            projects = projects.Where(p =>
                p.NormalizedName.Contains(exact)
                || p.Name.ToLower().Contains(lower)
                || p.Releases.Any(r => r.Lifecycle == ReleaseLifecycle.Active && r.Summary != null && r.Summary.ToLower().Contains(lower)));
        }

        var total = await projects.CountAsync(ct);
        var ordered = exact is null
            ? projects.OrderByDescending(p => p.LastSerial)
            : projects.OrderBy(p => p.NormalizedName == exact ? 0 : 1).ThenBy(p => p.NormalizedName);
        var rows = await ordered.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(p => new { p.Id, p.Name, p.NormalizedName, p.CreatedAt })
            .ToListAsync(ct);
        var latest = await LatestReleasesAsync(db, rows.Select(r => r.Id).ToList(), ct);
        var items = rows.Select(r =>
        {
            latest.TryGetValue(r.Id, out var release);
            return new ProjectListing(r.Name, r.NormalizedName, release?.Version, release?.Summary, r.CreatedAt);
        }).ToList();
        return new SearchPage(items, page, pageSize, total);
    }

    internal sealed record ReleaseSummary(long ProjectId, string Version, bool Yanked, string? Summary) : IVersioned;

    /// <summary>The latest active release of each project (PEP 440 order is not a database order, so it is chosen here).</summary>
    internal static async Task<Dictionary<long, ReleaseSummary>> LatestReleasesAsync(BulwarkDbContext db, List<long> projectIds, CancellationToken ct)
    {
        if (projectIds.Count == 0) return [];
        var releases = await db.Releases.AsNoTracking()
            .Where(r => projectIds.Contains(r.ProjectId) && r.Lifecycle == ReleaseLifecycle.Active)
            .Select(r => new ReleaseSummary(r.ProjectId, r.Version, r.Yanked, r.Summary))
            .ToListAsync(ct);
        return releases.GroupBy(r => r.ProjectId).ToDictionary(g => g.Key, g => ReleaseOrdering.Latest(g)!);
    }
}
