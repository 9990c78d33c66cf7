using Bulwark.Core.Data;

namespace Bulwark.Core.Packaging;

/// <summary>
/// Appends to the journal and moves the project's serial forward. Call inside the transaction of the change
/// itself, so a reader that sees the new serial also sees the change (page caches key on the serial).
/// </summary>
public sealed class IndexJournal(BulwarkDbContext db, TimeProvider time)
{
    public async Task<long> AppendAsync(Project project, string action, string? version = null, string? filename = null, long? userId = null, CancellationToken ct = default)
    {
        var entry = new JournalEntry
        {
            ProjectName = project.Name,
            Version = version,
            Filename = filename,
            Action = action,
            CreatedAt = time.GetUtcNow(),
            UserId = userId,
        };
        // Announced after the commit by Index.IndexChangeInterceptor (which picks up every tracked journal
        // row, single or bulk), so the change is visible to the next request before the caller's write returns.
        db.Journal.Add(entry);
        await db.SaveChangesAsync(ct);
        project.LastSerial = entry.Id;
        return entry.Id;
    }

    /// <summary>
    /// One entry per project with the same action, inserted as one batch (a recompute can change thousands
    /// of projects). Same contract as <see cref="AppendAsync"/>: call inside the change's transaction.
    /// </summary>
    public async Task AppendManyAsync(IReadOnlyList<Project> projects, string action, long? userId = null, CancellationToken ct = default)
    {
        if (projects.Count == 0) return;
        var now = time.GetUtcNow();
        var entries = projects.Select(p => new JournalEntry { ProjectName = p.Name, Action = action, CreatedAt = now, UserId = userId }).ToList();
        db.Journal.AddRange(entries);
        await db.SaveChangesAsync(ct);
        for (var i = 0; i < projects.Count; i++) projects[i].LastSerial = entries[i].Id;
    }
}
