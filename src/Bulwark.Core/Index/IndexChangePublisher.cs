using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Index;

/// <summary>
/// Announces committed index changes on every channel a reader may listen on. Used by
/// <see cref="IndexTransaction"/> only: writers never call it themselves.
/// </summary>
/// <remarks>
/// Three audiences, three channels:
/// <list type="bullet">
/// <item>this process's caches: <see cref="IndexChangeFeed"/>, by name, after the commit;</item>
/// <item>other processes sharing the data directory (admin verbs, a second server on this machine):
/// <see cref="IndexChangeSignal"/>, after the commit;</item>
/// <item>instances on other machines sharing a PostgreSQL database: a <c>NOTIFY</c> on
/// <see cref="Channel"/> issued inside the writing transaction. PostgreSQL delivers a notification only when
/// (and as soon as) its transaction commits, so a listener never hears of a change it cannot read yet and never
/// hears of a rolled-back one. SQLite has no such channel; there the signal file and the periodic poll remain.</item>
/// </list>
/// </remarks>
public sealed class IndexChangePublisher(IndexChangeFeed feed, IndexChangeSignal signal)
{
    /// <summary>The PostgreSQL notification channel that carries "the journal grew".</summary>
    public const string Channel = "bulwark_index_changes";

    /// <summary>
    /// Identifies this process in its notifications, so its own listener can skip them: this process has
    /// announced its changes already.
    /// </summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Queues the cross-instance notification inside the open transaction of <paramref name="db"/>.</summary>
    internal async Task NotifyInTransactionAsync(BulwarkDbContext db, CancellationToken ct)
    {
        if (db.IsSqlite) return;
        // The payload is only the sender: listeners read the journal itself, which is the one source of truth
        // (a payload is limited to 8000 bytes and would not survive a listener reconnecting anyway).
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {InstanceId})", ct);
    }

    /// <summary>Announces changes whose transaction has committed, before the writer's call returns.</summary>
    internal void Committed(IReadOnlyList<IndexChange> changes)
    {
        if (changes.Count == 0) return;
        feed.Publish(changes, local: true);
        signal.Raise();
    }
}
