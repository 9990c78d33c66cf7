using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Index;

/// <summary>
/// The EF queries that render index pages on a cache miss. Each page is loaded with one SQL statement, so it
/// is one consistent snapshot on both databases without holding a transaction (a SQLite transaction would
/// take the write lock; see <c>README.md</c> next to this file). Per-request checks are in <see cref="IndexLookups"/>.
/// </summary>
public static class IndexQueries
{
    /// <summary>
    /// The simple-API view of a project. A quarantined project lists nothing (PEP 792 says an index must not
    /// offer its files); quarantined releases are left out of an active project.
    /// </summary>
    public static async Task<SimpleDetail> LoadDetailAsync(BulwarkDbContext db, ProjectHead head, CancellationToken ct)
    {
        if (head.Status == ProjectStatus.Quarantined)
        {
            return new SimpleDetail(head.NormalizedName, head.LastSerial, head.Status, [], []);
        }

        var releases = await db.Releases.AsNoTracking()
            .Where(r => r.ProjectId == head.Id && r.Lifecycle == ReleaseLifecycle.Active)
            .Select(r => new
            {
                r.Version,
                r.Yanked,
                r.YankedReason,
                r.RequiresPython,
                Files = r.Files.Select(f => new { f.Filename, f.BlobPath, f.Sha256Digest, f.RequiresPython, f.Size, f.UploadedAt, f.MetadataSha256Digest }).ToList(),
            })
            .ToListAsync(ct);

        var versions = IndexFormatting.SortByVersion(releases.Select(r => r.Version), v => v);
        var files = releases.SelectMany(r => r.Files.Select(f => new IndexFile(
            f.Filename, f.BlobPath, f.Sha256Digest,
            // The file's own Requires-Python when its metadata had one, else the release's.
            f.RequiresPython ?? r.RequiresPython,
            f.Size, f.UploadedAt, f.MetadataSha256Digest, r.Version, r.Yanked, r.YankedReason)));
        // Warehouse's order: by version, then filename.
        var sorted = IndexFormatting.SortByVersion(files, f => f.Version, f => f.Filename);
        return new SimpleDetail(head.NormalizedName, head.LastSerial, head.Status, versions, sorted);
    }

    /// <summary>Every project that is not quarantined, by normalized name.</summary>
    public static async Task<IReadOnlyList<IndexEntry>> LoadRootAsync(BulwarkDbContext db, CancellationToken ct) =>
        await db.Projects.AsNoTracking()
            .Where(p => p.Lifecycle != ProjectLifecycle.Quarantined)
            .OrderBy(p => p.NormalizedName)
            .Select(p => new IndexEntry(p.Name, p.NormalizedName, p.LastSerial))
            .ToListAsync(ct);
}

/// <summary>
/// A fingerprint of the journal tail: its highest id and how many entries lie above <see cref="Floor"/>.
/// A pair that has not changed means no change committed since, even one whose id was handed out before a
/// later, already visible id (PostgreSQL sequences do not commit in order).
/// </summary>
public readonly record struct JournalMark(long Floor, long Max, long Count);
