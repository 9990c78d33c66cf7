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
        db.Journal.Add(entry);
        // Announced to this process's caches after the commit (Index.IndexChangeInterceptor), so the change
        // is visible to the next request here before the caller's write returns.
        db.PendingJournalEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        project.LastSerial = entry.Id;
        return entry.Id;
    }
}
