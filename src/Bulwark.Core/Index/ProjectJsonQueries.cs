using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Index;

/// <summary>Loads what the legacy JSON API shows; quarantined releases are invisible here as in the simple API.</summary>
public static class ProjectJsonQueries
{
    /// <summary>The visible releases of a project with their files, in ascending PEP 440 order.</summary>
    public static async Task<List<JsonRelease>> LoadReleasesAsync(BulwarkDbContext db, long projectId, long? onlyReleaseId, CancellationToken ct)
    {
        var query = db.Releases.AsNoTracking().Where(r => r.ProjectId == projectId && r.Lifecycle == ReleaseLifecycle.Active);
        if (onlyReleaseId is { } id) query = query.Where(r => r.Id == id);
        var rows = await query
            .Select(r => new
            {
                r.Id, r.Version, r.CanonicalVersion, r.IsPrerelease, r.Yanked, r.YankedReason, r.RequiresPython,
                Files = r.Files.Select(f => new JsonFile(
                    f.Filename, f.PackageType, f.PythonVersion, f.RequiresPython, f.Size, f.Md5Digest, f.Sha256Digest,
                    f.Blake2b256Digest, f.BlobPath, f.MetadataSha256Digest, f.UploadedAt)).ToList(),
            })
            .ToListAsync(ct);
        var releases = rows.Select(r => new JsonRelease(r.Id, r.Version, r.CanonicalVersion, r.IsPrerelease, r.Yanked, r.YankedReason, r.RequiresPython,
            r.Files.OrderBy(f => f.Filename, StringComparer.Ordinal).ToList()));
        return IndexFormatting.SortByVersion(releases, r => r.Version);
    }

    /// <summary>
    /// The release <c>info</c> describes, Warehouse's rule: not yanked before yanked, then final before
    /// pre-release, then the highest version. So a yanked final never beats a live pre-release.
    /// </summary>
    public static JsonRelease? SelectInfoRelease(IReadOnlyList<JsonRelease> ascending)
    {
        JsonRelease? best = null;
        // Walking ascending order, a later candidate with an equal rank is the higher version.
        foreach (var r in ascending)
        {
            if (best is null || Rank(r) <= Rank(best)) best = r;
        }
        return best;

        static int Rank(JsonRelease r) => (r.Yanked ? 2 : 0) + (r.IsPrerelease ? 1 : 0);
    }

    /// <summary>
    /// The visible release matching <paramref name="version"/> by PEP 440 canonical form; when several share
    /// it (possible in data imported from elsewhere) the exact spelling decides, as Warehouse does.
    /// </summary>
    public static async Task<long?> FindReleaseIdAsync(BulwarkDbContext db, long projectId, string version, CancellationToken ct)
    {
        var canonical = Pep440Version.TryParse(version, out var parsed) ? parsed!.CanonicalForm : version;
        var candidates = await db.Releases.AsNoTracking()
            .Where(r => r.ProjectId == projectId && r.Lifecycle == ReleaseLifecycle.Active && (r.CanonicalVersion == canonical || r.Version == version))
            .Select(r => new { r.Id, r.Version, r.CanonicalVersion })
            .ToListAsync(ct);
        var byCanonical = candidates.Where(c => c.CanonicalVersion == canonical).ToList();
        if (byCanonical.Count == 1) return byCanonical[0].Id;
        return candidates.FirstOrDefault(c => c.Version == version)?.Id;
    }

    /// <summary>The full metadata row of the release <c>info</c> describes.</summary>
    public static Task<Release> LoadReleaseAsync(BulwarkDbContext db, long releaseId, CancellationToken ct) =>
        db.Releases.AsNoTracking().SingleAsync(r => r.Id == releaseId, ct);

    /// <summary>Roles for <c>ownership</c>: owners first, then by username.</summary>
    public static async Task<List<JsonRole>> LoadRolesAsync(BulwarkDbContext db, long projectId, CancellationToken ct)
    {
        var rows = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == projectId)
            .Select(r => new { r.Role, r.User.Username })
            .ToListAsync(ct);
        return rows
            .OrderBy(r => r.Role == ProjectRoleKind.Owner ? 0 : 1)
            .ThenBy(r => r.Username, StringComparer.Ordinal)
            .Select(r => new JsonRole(r.Role == ProjectRoleKind.Owner ? "Owner" : "Maintainer", r.Username))
            .ToList();
    }
}
