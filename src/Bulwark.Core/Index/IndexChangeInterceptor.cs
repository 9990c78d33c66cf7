using System.Data.Common;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bulwark.Core.Index;

/// <summary>
/// Announces journal entries on <see cref="IndexChangeFeed"/> once the transaction that wrote them has
/// committed, so every writer that goes through <see cref="Packaging.IndexJournal"/> invalidates this process's
/// caches before its call returns, whatever use case it belongs to. Announcing before the commit would let a
/// concurrent request re-render from the old rows and cache that page as current.
/// </summary>
public sealed class IndexChangeInterceptor(IndexChangeFeed feed) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    // SaveChanges outside an explicit transaction commits on its own.
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) Flush(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SavedChanges(eventData, result));

    private void Flush(DbContext? context)
    {
        if (context is not BulwarkDbContext db || db.PendingJournalEntries.Count == 0) return;
        var changes = db.PendingJournalEntries.Select(e => new IndexChange(e.Id, e.ProjectName)).ToList();
        db.PendingJournalEntries.Clear();
        feed.Publish(changes, local: true);
    }

    // Only an explicit rollback discards: a leftover entry costs at most one extra invalidation later, a
    // discarded committed one would leave a stale page.
    private static void Discard(DbContext? context)
    {
        if (context is BulwarkDbContext db) db.PendingJournalEntries.Clear();
    }
}
