using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bulwark.Core.Index;

/// <summary>
/// One index change in progress: a database transaction plus the journal entries written in it. Committing
/// publishes them; disposing without a commit rolls back and forgets them. Obtained from
/// <see cref="IndexWriter.BeginAsync"/>.
/// </summary>
public sealed class IndexTransaction : IAsyncDisposable
{
    private readonly BulwarkDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly IndexChangePublisher _publisher;
    private readonly Action _ended;
    private readonly List<IndexChange> _changes = [];
    private bool _finished;

    internal IndexTransaction(BulwarkDbContext db, IDbContextTransaction transaction, IndexChangePublisher publisher, Action ended)
    {
        _db = db;
        _transaction = transaction;
        _publisher = publisher;
        _ended = ended;
    }

    /// <summary>The changes recorded so far (journal ids, and 0 for entries a statement wrote).</summary>
    public IReadOnlyList<IndexChange> Changes => _changes;

    internal void Add(IndexChange change)
    {
        if (_finished) throw new InvalidOperationException("This index transaction has ended.");
        _changes.Add(change);
    }

    /// <summary>
    /// Commits, then announces the recorded changes before returning, so every request that starts after
    /// this call sees them. Announcing before the commit would let a concurrent render read the old rows and
    /// cache them under the new generation.
    /// </summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_changes.Count > 0) await _publisher.NotifyInTransactionAsync(_db, ct);
        await _transaction.CommitAsync(ct);
        End();
        _publisher.Committed(_changes);
    }

    /// <summary>Rolls back; nothing is announced.</summary>
    public async Task RollbackAsync(CancellationToken ct = default)
    {
        await _transaction.RollbackAsync(ct);
        End();
    }

    public async ValueTask DisposeAsync()
    {
        // An unfinished transaction is rolled back by the database transaction's own disposal.
        await _transaction.DisposeAsync();
        End();
    }

    private void End()
    {
        if (_finished) return;
        _finished = true;
        _ended();
    }
}
