using System.Data.Common;
using System.Text.RegularExpressions;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bulwark.Core.Index;

/// <summary>
/// Announces journal entries once the transaction that wrote them has committed, whatever wrote them: on
/// <see cref="IndexChangeFeed"/> for this process's caches, and on <see cref="IndexChangeSignal"/> for the
/// other processes sharing the data directory. Both happen before the writer's call returns, so every request
/// that starts afterwards, here or in another server process on this machine, sees the change.
/// </summary>
/// <remarks>
/// Two kinds of journal writes are noticed:
/// <list type="bullet">
/// <item>Tracked <see cref="JournalEntry"/> rows (<see cref="Packaging.IndexJournal.AppendAsync"/>, the bulk
/// <see cref="Packaging.IndexJournal.AppendManyAsync"/>, or any <c>db.Journal.Add</c>): taken from the change
/// tracker when SaveChanges starts and announced by name after the commit.</item>
/// <item>Statements that write the journal table without the change tracker (raw SQL, ExecuteUpdate or
/// ExecuteDelete): their rows are not known here, so after the commit only the signal is raised; this process
/// sees it like any other and reads the journal before its next request.</item>
/// </list>
/// Announcing before the commit would let a concurrent request re-render from the old rows and cache that page
/// as current.
/// </remarks>
public sealed partial class IndexChangeInterceptor(IndexChangeFeed feed, IndexChangeSignal signal)
    : IDbTransactionInterceptor, ISaveChangesInterceptor, IDbCommandInterceptor
{
    // INSERT INTO / UPDATE / DELETE FROM the journal table, optionally schema-qualified and quoted.
    [GeneratedRegex("""\b(?:insert\s+into|update|delete\s+from)\s+(?:["`\[]?\w+["`\]]?\.)?["`\[]?journal["`\]]?(?:\s|\(|$)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex JournalWrite();

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    // SaveChanges outside an explicit transaction commits on its own.
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) Flush(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SavedChanges(eventData, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        NoteStatement(command, eventData.Context, result);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NoteStatement(command, eventData.Context, result);
        return ValueTask.FromResult(result);
    }

    private static void Collect(DbContext? context)
    {
        if (context is not BulwarkDbContext db) return;
        foreach (var entry in db.ChangeTracker.Entries<JournalEntry>())
        {
            if (entry.State == EntityState.Added) db.PendingJournalEntries.Add(entry.Entity);
        }
    }

    private void NoteStatement(DbCommand command, DbContext? context, int rows)
    {
        if (context is not BulwarkDbContext db || rows == 0 || !JournalWrite().IsMatch(command.CommandText)) return;
        db.JournalWrittenWithoutTracking = true;
        // Outside a transaction the statement has committed already.
        if (db.Database.CurrentTransaction is null) Flush(db);
    }

    private void Flush(DbContext? context)
    {
        if (context is not BulwarkDbContext db) return;
        var untracked = db.JournalWrittenWithoutTracking;
        db.JournalWrittenWithoutTracking = false;
        if (db.PendingJournalEntries.Count > 0)
        {
            var changes = db.PendingJournalEntries.Select(e => new IndexChange(e.Id, e.ProjectName)).ToList();
            db.PendingJournalEntries.Clear();
            feed.Publish(changes, local: true);
            signal.Raise();
        }
        else if (untracked)
        {
            signal.Raise();
        }
    }

    // Only an explicit rollback discards: a leftover entry costs at most one extra invalidation later, a
    // discarded committed one would leave a stale page.
    private static void Discard(DbContext? context)
    {
        if (context is not BulwarkDbContext db) return;
        db.PendingJournalEntries.Clear();
        db.JournalWrittenWithoutTracking = false;
    }
}
