using System.Data;
using System.Data.Common;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Audit;

/// <summary>What <see cref="AuditChainVerifier"/> found: how far it walked and, if the chain is broken, where and why.</summary>
/// <param name="Events">Events checked (all of them when intact; up to and including the broken one otherwise).</param>
/// <param name="LastId">Id of the newest event checked.</param>
/// <param name="Head">Hash of the newest event when intact: an operator who keeps it can tell later that no newer event was removed.</param>
/// <param name="BrokenAt">Id of the first event that fails, or null when the chain is intact.</param>
/// <param name="Problem">What is wrong at <paramref name="BrokenAt"/>, in words naming the event ids.</param>
public sealed record AuditChainReport(long Events, long? LastId, string Head, long? BrokenAt, string? Problem)
{
    public bool Intact => BrokenAt is null;
}

/// <summary>
/// Walks the audit log in id order, streaming (one row in memory at a time), and checks every link of the hash
/// chain (see <see cref="AuditChain"/>): each event's hash must match its contents, and its previous hash must be
/// the hash of the event before it.
/// </summary>
/// <remarks>
/// What each tampering looks like: an edited event no longer matches its own hash; a deleted event leaves the next
/// one linked to a hash that is not its predecessor's; a moved event (contents swapped between ids) fails its hash,
/// since the id is hashed. Someone able to rewrite every later event too could forge a consistent chain; keeping
/// the <see cref="AuditChainReport.Head"/> of each run outside the database makes that visible as well.
/// </remarks>
public sealed class AuditChainVerifier(BulwarkDbContext db)
{
    public async Task<AuditChainReport> VerifyAsync(CancellationToken ct = default)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"Id\", \"OccurredAt\", \"Type\", \"UserId\", \"ActorUserId\", \"ProjectId\", \"IpAddress\", " +
                "\"UserAgent\", \"TokenId\", \"Details\", \"PreviousHash\", \"Hash\" FROM audit_events ORDER BY \"Id\"";
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            return await WalkAsync(reader, db.IsSqlite, ct);
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<AuditChainReport> WalkAsync(DbDataReader r, bool sqlite, CancellationToken ct)
    {
        var previous = AuditChainHash.Genesis;
        long? previousId = null;
        long count = 0;
        while (await r.ReadAsync(ct))
        {
            // Columns in order, as sequential access requires.
            var id = r.GetInt64(0);
            var ticks = sqlite ? r.GetInt64(1) : r.GetFieldValue<DateTime>(1).Ticks;
            var type = r.GetInt32(2);
            long? userId = r.IsDBNull(3) ? null : r.GetInt64(3);
            long? actorUserId = r.IsDBNull(4) ? null : r.GetInt64(4);
            long? projectId = r.IsDBNull(5) ? null : r.GetInt64(5);
            var ip = r.IsDBNull(6) ? null : r.GetString(6);
            var userAgent = r.IsDBNull(7) ? null : r.GetString(7);
            Guid? tokenId = r.IsDBNull(8) ? null : r.GetGuid(8);
            var details = r.IsDBNull(9) ? null : r.GetString(9);
            var storedPrevious = r.IsDBNull(10) ? null : r.GetString(10);
            var stored = r.IsDBNull(11) ? null : r.GetString(11);
            count++;

            var after = previousId is { } p ? $"event {p}" : "the start of the log";
            if (stored is null || storedPrevious is null)
            {
                return new(count, id, previous, id,
                    $"Audit event {id} is not linked into the chain (its hash is missing): it was inserted around the audit log, or its hash was erased.");
            }
            var actual = AuditChainHash.Compute(id, ticks, type, userId, actorUserId, projectId, ip, userAgent, tokenId, details, storedPrevious);
            if (!string.Equals(actual, stored, StringComparison.Ordinal))
            {
                return new(count, id, previous, id,
                    $"Audit event {id} was changed or moved: its contents do not match its hash.");
            }
            if (!string.Equals(storedPrevious, previous, StringComparison.Ordinal))
            {
                return new(count, id, previous, id,
                    $"Audit event {id} does not follow {after}: an event between them was deleted, or events were reordered.");
            }
            previous = stored;
            previousId = id;
        }
        return new(count, previousId, previous, null, null);
    }
}
