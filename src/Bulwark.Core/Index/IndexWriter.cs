using Bulwark.Core.Data;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Index;

/// <summary>
/// The one way to change what the index serves. A writer opens an <see cref="IndexTransaction"/> with
/// <see cref="BeginAsync"/>, makes its change and appends journal entries with <see cref="AppendAsync"/> (or
/// <see cref="AppendManyAsync"/>, or names the projects a statement of its own journaled with
/// <see cref="Record"/>), then calls <see cref="IndexTransaction.CommitAsync"/>, which commits and publishes the
/// change to every reader (see <see cref="IndexChangePublisher"/>) before it returns.
/// </summary>
/// <remarks>
/// Scoped like the DbContext it writes through. Appending outside an open index transaction throws: a journal
/// entry written in a transaction nobody publishes would leave pages stale until the next poll, and one
/// written outside any transaction could become visible apart from the change it describes.
/// </remarks>
public sealed class IndexWriter(BulwarkDbContext db, TimeProvider time, IndexChangePublisher publisher, IndexWriteGate gate)
{
    private IndexTransaction? _open;

    /// <summary>Begins the database transaction that the change and its journal entries share.</summary>
    public async Task<IndexTransaction> BeginAsync(CancellationToken ct = default)
    {
        if (_open is not null) throw new InvalidOperationException("An index transaction is already open on this unit of work; append to it instead of beginning another.");
        // The slot is taken before the connection and the transaction, and given back when the transaction ends.
        var slot = await gate.EnterAsync(ct);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(ct);
            _open = new IndexTransaction(db, transaction, publisher, () =>
            {
                _open = null;
                slot.Dispose();
            });
            return _open;
        }
        catch
        {
            slot.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends a journal entry for <paramref name="project"/> and moves its serial (PEP 691
    /// <c>_last-serial</c>) forward, in the open index transaction. Returns the entry's id.
    /// </summary>
    public async Task<long> AppendAsync(Project project, string action, string? version = null, string? filename = null, long? userId = null, CancellationToken ct = default)
    {
        var open = Open();
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
        await db.SaveChangesAsync(ct);
        project.LastSerial = entry.Id;
        open.Add(new IndexChange(entry.Id, project.Name));
        return entry.Id;
    }

    /// <summary>
    /// Appends a journal entry for a name that has no local project row (a proxied upstream name whose versions
    /// an OSV import or a quarantine withholds), in the open index transaction, so every instance drops what it
    /// holds for that name at the commit like for any other change. Returns the entry's id.
    /// </summary>
    public async Task<long> AppendForNameAsync(string projectName, string action, long? userId = null, CancellationToken ct = default)
    {
        var open = Open();
        var entry = new JournalEntry { ProjectName = projectName, Action = action, CreatedAt = time.GetUtcNow(), UserId = userId };
        db.Journal.Add(entry);
        await db.SaveChangesAsync(ct);
        open.Add(new IndexChange(entry.Id, projectName));
        return entry.Id;
    }

    /// <summary>
    /// One entry per project with the same action, inserted as one batch (a recompute can change thousands of
    /// projects), in the open index transaction.
    /// </summary>
    public async Task AppendManyAsync(IReadOnlyList<Project> projects, string action, long? userId = null, CancellationToken ct = default)
    {
        var open = Open();
        if (projects.Count == 0) return;
        var now = time.GetUtcNow();
        var entries = projects.Select(p => new JournalEntry { ProjectName = p.Name, Action = action, CreatedAt = now, UserId = userId }).ToList();
        db.Journal.AddRange(entries);
        await db.SaveChangesAsync(ct);
        for (var i = 0; i < projects.Count; i++)
        {
            projects[i].LastSerial = entries[i].Id;
            open.Add(new IndexChange(entries[i].Id, projects[i].Name));
        }
    }

    /// <summary>
    /// Names a project whose journal entry a statement of the writer's own wrote (a set-based insert into
    /// <c>journal</c>) in the open index transaction, so its pages are announced at the commit like any other.
    /// </summary>
    public void Record(string projectName) => Open().Add(new IndexChange(0, projectName));

    private IndexTransaction Open() =>
        _open ?? throw new InvalidOperationException("Journal entries are written inside IndexWriter.BeginAsync(...) and published by its CommitAsync.");
}
