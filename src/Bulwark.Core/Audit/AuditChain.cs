using System.Data;
using System.Data.Common;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bulwark.Core.Audit;

/// <summary>
/// Links audit events into one hash chain as they are saved: each event stores the hash of the event before it
/// (in id order) and its own hash over both (see <see cref="AuditChainHash"/>), so that <see cref="AuditChainVerifier"/>
/// finds an event that was changed, deleted or moved.
/// </summary>
/// <remarks>
/// <para>Why a lock, and why held to the commit: the link is "the hash of the newest event", read and then written.
/// Two writers (two server processes, a server and the command line) reading the same head would both link to it
/// and fork the chain; a writer linking to an event that is later rolled back would link to nothing. So the head is
/// read, the new events get their ids and hashes, and they are inserted while holding a lock that only the end of
/// the transaction releases: on PostgreSQL a transaction-level advisory lock (<c>pg_advisory_xact_lock</c>), on
/// SQLite the database's single write lock, taken by a write before the head is read (a read first would leave a
/// snapshot another writer could outdate). The next writer waits, then reads the committed head.</para>
/// <para>Why ids are assigned here: the id is part of the hash and chain order is id order. Under the lock the next
/// id is the sequence's next value (PostgreSQL) or the head's id plus one (SQLite), so no event can take an id
/// below the head's.</para>
/// <para>Events stored before the chain existed are linked at the first start after the migration
/// (<see cref="LinkExistingAsync"/>). Stop servers of older versions before upgrading: an event they write after that
/// is not linked, and verification names it.</para>
/// <para>The chain has no secret: someone who can rewrite the table can recompute every later hash. What it gives is
/// that any change shows unless every later event is rewritten too, and an operator who keeps the head hash that
/// <c>audit verify</c> prints (outside the database) sees that as well.</para>
/// </remarks>
public static class AuditChain
{
    // An arbitrary constant naming the chain's advisory lock ("BulwAudC").
    private const long LockKey = 0x42756C7741756443;

    /// <summary>The audit events this save adds that are not linked yet, in the order they were recorded.</summary>
    internal static List<AuditEvent> Unlinked(DbContext db) =>
        db.ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added && e.Entity.Hash is null).Select(e => e.Entity).ToList();

    /// <summary>Links <paramref name="events"/> and runs <paramref name="save"/> under the chain lock, in the caller's transaction or a new one.</summary>
    internal static async Task<int> SaveLinkedAsync(BulwarkDbContext db, List<AuditEvent> events, Func<Task<int>> save, CancellationToken ct)
    {
        // The head must be read in a snapshot taken after the lock was granted: READ COMMITTED (Bulwark's default)
        // takes one per statement; a REPEATABLE READ or SERIALIZABLE transaction on PostgreSQL would read the head of
        // its start and fork the chain, so it is refused. (SQLite's write lock, taken before any read, has no such case.)
        if (!db.IsSqlite && db.Database.CurrentTransaction?.GetDbTransaction().IsolationLevel is IsolationLevel.RepeatableRead or IsolationLevel.Serializable or IsolationLevel.Snapshot)
        {
            throw new InvalidOperationException("Audit events cannot be recorded in a REPEATABLE READ or SERIALIZABLE transaction: the hash chain needs READ COMMITTED.");
        }
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await LockAsync(db, ct);
            var previous = await HeadAsync(db, ct);
            var ids = await NextIdsAsync(db, events.Count, ct);
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                e.Id = ids[i];
                e.PreviousHash = previous;
                e.Hash = AuditChainHash.Compute(e);
                previous = e.Hash;
            }
            var saved = await save();
            if (own is not null) await own.CommitAsync(ct);
            return saved;
        }
        catch
        {
            // A retried save must link again, against the head it will then find.
            foreach (var e in events.Where(e => db.Entry(e).State == EntityState.Added))
            {
                e.Id = 0;
                e.PreviousHash = null;
                e.Hash = null;
            }
            throw;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    /// <summary>
    /// Links the events stored before the chain existed, in id order, when no event is linked yet: the first start
    /// after the migration that added the chain. Returns how many events it linked.
    /// </summary>
    /// <remarks>
    /// Only then: an unlinked event among linked ones was inserted around the audit log (or had its hash erased), and
    /// linking it would bless it; it stays unlinked and <see cref="AuditChainVerifier"/> names it.
    /// </remarks>
    public static async Task<long> LinkExistingAsync(BulwarkDbContext db, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(db, ct);
        if (!await db.AuditEvents.AnyAsync(ct) || await db.AuditEvents.AnyAsync(e => e.Hash != null, ct)) return 0;

        var previous = AuditChainHash.Genesis;
        var after = long.MinValue;
        long linked = 0;
        const int batchSize = 2000;
        while (true)
        {
            var batch = await db.AuditEvents.AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).Take(batchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            var updates = new List<(long Id, string Previous, string Hash)>(batch.Count);
            foreach (var e in batch)
            {
                e.PreviousHash = previous;
                // Rows written before the chain may carry ticks finer than a microsecond (SQLite); the hash covers the
                // stored value truncated, and verification truncates the same way.
                e.Hash = AuditChainHash.Compute(e);
                updates.Add((e.Id, previous, e.Hash));
                previous = e.Hash;
            }
            await WriteLinksAsync(db, updates, ct);
            linked += batch.Count;
            after = batch[^1].Id;
        }
        await tx.CommitAsync(ct);
        return linked;
    }

    private static Task LockAsync(BulwarkDbContext db, CancellationToken ct) =>
        db.IsSqlite
            // Any write statement takes SQLite's write lock for the rest of the transaction, even one that changes nothing.
            ? db.Database.ExecuteSqlRawAsync("UPDATE audit_events SET \"Id\" = \"Id\" WHERE 0", ct)
            : db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct);

    /// <summary>The hash of the newest linked event (an unlinked one, inserted around the log, is skipped and stays visible).</summary>
    private static async Task<string> HeadAsync(BulwarkDbContext db, CancellationToken ct) =>
        await db.AuditEvents.AsNoTracking().Where(e => e.Hash != null).OrderByDescending(e => e.Id).Select(e => e.Hash).FirstOrDefaultAsync(ct)
        ?? AuditChainHash.Genesis;

    private static async Task WriteLinksAsync(BulwarkDbContext db, List<(long Id, string Previous, string Hash)> updates, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (connection.CanCreateBatch)
        {
            // One round trip per batch on PostgreSQL.
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var (id, previous, hash) in updates)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = "UPDATE audit_events SET \"PreviousHash\" = $1, \"Hash\" = $2 WHERE \"Id\" = $3";
                command.Parameters.Add(Parameter(command.CreateParameter(), previous));
                command.Parameters.Add(Parameter(command.CreateParameter(), hash));
                command.Parameters.Add(Parameter(command.CreateParameter(), id));
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(ct);
            return;
        }
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE audit_events SET \"PreviousHash\" = @p, \"Hash\" = @h WHERE \"Id\" = @id";
        var p = Named(update, "@p");
        var h = Named(update, "@h");
        var i = Named(update, "@id");
        foreach (var (id, previous, hash) in updates)
        {
            p.Value = previous;
            h.Value = hash;
            i.Value = id;
            await update.ExecuteNonQueryAsync(ct);
        }
    }

    private static DbParameter Parameter(DbParameter parameter, object value)
    {
        parameter.Value = value;
        return parameter;
    }

    private static DbParameter Named(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static async Task<long[]> NextIdsAsync(BulwarkDbContext db, int count, CancellationToken ct)
    {
        var ids = new long[count];
        if (db.IsSqlite)
        {
            var max = await db.AuditEvents.MaxAsync(e => (long?)e.Id, ct) ?? 0;
            for (var i = 0; i < count; i++) ids[i] = max + 1 + i;
            return ids;
        }
        var next = await db.Database.SqlQuery<long>(
            $"SELECT nextval(pg_get_serial_sequence('audit_events', 'Id')) AS \"Value\" FROM generate_series(1, {count})").ToListAsync(ct);
        next.Sort();
        return [.. next];
    }
}
