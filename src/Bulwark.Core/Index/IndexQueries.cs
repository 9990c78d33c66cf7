using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Index;

/// <summary>
/// The read queries behind the index pages. Each page is loaded with one SQL statement, so it is one
/// consistent snapshot on both databases without holding a transaction (a SQLite transaction would take the
/// write lock; see <c>README.md</c> next to this file).
/// </summary>
public static class IndexQueries
{
    private static readonly PerModelCompiledQuery<Func<BulwarkDbContext, string, Task<ProjectHead?>>> FindHead = new(() =>
        EF.CompileAsyncQuery((BulwarkDbContext db, string normalized) =>
            db.Projects.AsNoTracking()
                .Where(p => p.NormalizedName == normalized)
                .Select(p => new ProjectHead(p.Id, p.Name, p.NormalizedName, p.LastSerial, p.Lifecycle))
                .FirstOrDefault()));

    /// <summary>The per-request check: one lookup on the unique index of normalized names.</summary>
    public static Task<ProjectHead?> FindProjectAsync(BulwarkDbContext db, string normalizedName) => FindHead.For(db)(db, normalizedName);

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

    /// <summary>
    /// The state of the journal above <paramref name="floor"/>: its highest id and how many entries there are.
    /// A pair that has not changed means no change committed since, even one whose id was handed out before
    /// a later, already visible id (PostgreSQL sequences do not commit in order).
    /// </summary>
    public static async Task<JournalMark> ReadJournalMarkAsync(BulwarkDbContext db, long floor, CancellationToken ct)
    {
        var row = await db.Database
            .SqlQuery<JournalMarkRow>($"SELECT MAX(\"Id\") AS \"Max\", COUNT(*) AS \"Count\" FROM journal WHERE \"Id\" > {floor}")
            .SingleAsync(ct);
        return new JournalMark(floor, row.Max ?? floor, row.Count);
    }

    /// <summary>The highest journal id (the global serial), 0 for an empty index.</summary>
    public static async Task<long> ReadGlobalSerialAsync(BulwarkDbContext db, CancellationToken ct) =>
        await db.Journal.MaxAsync(j => (long?)j.Id, ct) ?? 0;

    private sealed class JournalMarkRow
    {
        public long? Max { get; set; }
        public long Count { get; set; }
    }
}

/// <summary>A fingerprint of the journal tail; see <see cref="IndexQueries.ReadJournalMarkAsync"/>.</summary>
public readonly record struct JournalMark(long Floor, long Max, long Count);
